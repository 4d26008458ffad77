namespace Recsys.Testing;

/// <summary>
/// Safety limits for waits that have no event to end them (a process that never exits): a baseline scaled by
/// <c>RECSYS_TEST_TIME_FACTOR</c> (default 1; set 3 or more on a slow or shared machine). A limit only turns a
/// hang into a failure with a message; every wait ends as soon as its event happens.
/// </summary>
public static class TestLimits
{
    public const string FactorVariable = "RECSYS_TEST_TIME_FACTOR";

    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable(FactorVariable), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double f) && f > 0 ? f : 1;

    public static TimeSpan Scaled(TimeSpan baseline) => baseline * Factor;
}
