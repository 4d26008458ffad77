using System.Globalization;
using Recsys.Training.Trainer;
using Spectre.Console;

namespace Recsys.Cli;

/// <summary>
/// How long-running commands show progress: live bars and spinners on a terminal, and one plain line per event
/// when the output is a pipe or a file (a CI log, <c>| tee</c>), where redrawn bars would repeat themselves.
/// </summary>
internal static class ProgressOutput
{
    /// <summary>Whether stdout is a terminal that can redraw in place.</summary>
    public static bool Live => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>One training epoch: number, loss, throughput with its unit, validation metric, and whether it is the best so far.</summary>
    public static string Epoch(EpochReport e) => string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {e.Epoch,3}/{e.Epochs}  loss {e.Loss:0.0000}  {e.SamplesPerSecond:N0} samples/s  ")
        + (double.IsNaN(e.ValidationMetric)
            ? "refit on all training data (no validation)" // the epoch count was chosen on validation data before
            : string.Create(CultureInfo.InvariantCulture, $"validation nDCG@10 {e.ValidationMetric:0.0000}{(e.Improved ? "  best" : "")}"));

    /// <summary>Writes a line as it is, with no markup and no wrapping.</summary>
    public static void Line(string text) => AnsiConsole.Profile.Out.Writer.WriteLine(text);
}

/// <summary>
/// An <see cref="IProgress{T}"/> whose receiver is chosen later: the model catalog is built once with it, and each
/// command points it at its own output while it runs.
/// </summary>
internal sealed class ProgressRelay<T> : IProgress<T>
{
    public Action<T>? Target { get; set; }

    public void Report(T value) => Target?.Invoke(value);
}
