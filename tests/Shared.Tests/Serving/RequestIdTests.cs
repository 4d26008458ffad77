using System.Globalization;
using Recsys.Serving.Contracts;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Request ids: version 7 UUIDs in 32 hex digits, unique, and in time order.</summary>
public sealed class RequestIdTests
{
    [Fact]
    public void ARequestId_IsAVersion7Uuid_CarryingTheTimeItWasMade()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string id = RankResponse.NewRequestId();
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Matches("^[0-9a-f]{32}$", id);
        var uuid = Guid.ParseExact(id, "N");
        Assert.Equal(7, uuid.Version);
        Assert.Equal(0b1000, uuid.Variant & 0b1100);
        Assert.InRange(long.Parse(id[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture), before, after);
    }

    [Fact]
    public void RequestIds_AreUnique_AndSortByTime()
    {
        string[] ids = [.. Enumerable.Range(0, 20_000).Select(_ => RankResponse.NewRequestId())];
        Assert.Equal(ids.Length, ids.Distinct().Count());

        // Ids of different milliseconds sort as they were made (within one millisecond the random bits decide).
        string first = ids[0];
        SpinWait.SpinUntil(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > long.Parse(first[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.True(string.CompareOrdinal(RankResponse.NewRequestId(), first) > 0);
    }
}
