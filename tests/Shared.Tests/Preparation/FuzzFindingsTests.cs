using Recsys.Data;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

/// <summary>
/// Corrupt Parquet files found by <c>bench/Fuzz</c> (one per distinct failure). Each used to escape as one of
/// more than twenty exception types from the Parquet library, or to loop forever on a footer whose last field
/// runs past the end; each must now be refused as a <see cref="DatasetException"/> naming the file, promptly.
/// </summary>
public sealed class FuzzFindingsTests
{
    public static TheoryData<string> CorruptParquetFiles() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Data", "fuzz", "parquet")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(CorruptParquetFiles))]
    public async Task CorruptParquet_IsRefusedAsADatasetError(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "fuzz", "parquet", file);

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            ParquetInteractionReader.ReadAsync(path, ColumnNames.Parse(null), new NullSink(), TestContext.Current.CancellationToken));

        Assert.Contains($"'{file}'", error.Message, StringComparison.Ordinal);
    }

    private sealed class NullSink : IInteractionSink
    {
        public void Accept(ReadOnlySpan<char> userId, ReadOnlySpan<char> itemId, float rating, long timestamp)
        {
        }

        public void Reject(string file, long line, RejectReason reason, ReadOnlySpan<byte> raw)
        {
        }
    }
}
