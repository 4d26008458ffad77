using System.Security.Cryptography;
using System.Text;
using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

public sealed class BadInputTests : IDisposable
{
    private const string GoodRows = "1\t10\t4\t881250949\n1\t20\t3\t881250950\n2\t10\t5\t881250951\n2\t30\t2\t881250952\n3\t20\t1\t881250953\n";

    private readonly TempFolder _temp = new();

    private string Output => _temp.Combine("out");

    private Task<PrepareResult> PrepareAsync(string dataset, DatasetFormat format = DatasetFormat.Auto, string? columns = null, int maxLineBytes = 1 << 20) =>
        DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = dataset, Format = format, Columns = columns, MaxLineBytes = maxLineBytes },
            new LocalPreparedOutput(Output), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Prepare_GarbageLines_QuarantinesEachWithItsReasonAndKeepsTheRest()
    {
        string data = _temp.Write("u.data", GoodRows + "hello world\n1\t2\n4\t40\tfive\t881250954\n4\t40\t5\tyesterday-ish\n\n5\t\t3\t881250955\n");

        PrepareResult result = await PrepareAsync(data);

        Assert.Equal(5, result.Stats.Interactions);
        Assert.Equal(5, result.Stats.Rows.Rejected);
        Assert.Equal(10, result.Stats.Rows.Read);
        Assert.Equal(2, result.Stats.RejectedByReason["missing-field"]);
        Assert.Equal(1, result.Stats.RejectedByReason["non-numeric-rating"]);
        Assert.Equal(1, result.Stats.RejectedByReason["bad-timestamp"]);
        Assert.Equal(1, result.Stats.RejectedByReason["empty-id"]);
        string[] quarantine = File.ReadAllLines(Path.Combine(Output, PreparedFiles.Quarantine));
        Assert.Equal("file,line,reason,raw", quarantine[0]);
        Assert.Equal("u.data,6,missing-field,hello world", quarantine[1]);
        Assert.Equal("u.data,11,empty-id,5\t\t3\t881250955", quarantine[5]);
    }

    [Fact]
    public async Task Prepare_WrongDelimiter_FailsWithEveryRowQuarantinedAndPublishesNothing()
    {
        string data = _temp.Write("u.data", GoodRows.Replace('\t', ','));

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(data));

        Assert.Contains("all 5 rows were rejected (missing-field: 5)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
        Assert.Empty(Directory.GetDirectories(_temp.Path));
        string kept = Output + "." + PreparedFiles.Quarantine;
        Assert.Contains(kept, error.Message, StringComparison.Ordinal);
        Assert.Equal(6, File.ReadAllLines(kept).Length);
    }

    [Fact]
    public async Task Prepare_EmptyFile_FailsWithAClearMessage()
    {
        string data = _temp.Write("ratings.csv", "");

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(data));

        Assert.Equal("The dataset is empty: 'ratings.csv' has no bytes.", error.Message);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public async Task Prepare_HeaderOnly_FailsWithNoDataRows()
    {
        string data = _temp.Write("ratings.csv", "userId,movieId,rating,timestamp\r\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(data));

        Assert.Equal("No usable rows in 'ratings.csv': it has no data rows.", error.Message);
    }

    [Fact]
    public async Task Prepare_TenMegabyteSingleLine_IsQuarantinedWithoutStoppingTheRest()
    {
        string data = _temp.Combine("u.data");
        await using (var writer = new StreamWriter(data))
        {
            await writer.WriteAsync(GoodRows);
            await writer.WriteAsync(new string('7', 10 * 1024 * 1024));
            await writer.WriteAsync("\n6\t60\t4\t881250960\n");
        }

        PrepareResult result = await PrepareAsync(data);

        Assert.Equal(6, result.Stats.Interactions);
        Assert.Equal(1, result.Stats.RejectedByReason["line-too-long"]);
        string[] quarantine = File.ReadAllLines(Path.Combine(Output, PreparedFiles.Quarantine));
        Assert.StartsWith("u.data,6,line-too-long,7777", quarantine[1], StringComparison.Ordinal);
        Assert.True(quarantine[1].Length < 1024, "only a prefix of the oversized line is kept");
    }

    [Fact]
    public async Task Prepare_OnlyATenMegabyteLine_FailsAndPublishesNothing()
    {
        string data = _temp.Combine("u.data");
        await File.WriteAllTextAsync(data, new string('x', 10 * 1024 * 1024), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(data));

        Assert.Contains("all 1 rows were rejected (line-too-long: 1)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public async Task Prepare_InvalidUtf8Id_IsQuarantinedAsUndecodable()
    {
        byte[] bad = [.. Encoding.UTF8.GetBytes(GoodRows), .. "7\t"u8, 0xC3, 0x28, .. "\t4\t881250970\n"u8];
        string data = _temp.Combine("u.data");
        await File.WriteAllBytesAsync(data, bad, TestContext.Current.CancellationToken);

        PrepareResult result = await PrepareAsync(data);

        Assert.Equal(1, result.Stats.RejectedByReason["undecodable-text"]);
        Assert.Equal(5, result.Stats.Interactions);
    }

    [Fact]
    public async Task Prepare_GenericCsvWithoutRecognisableColumns_NamesTheColumnsItFound()
    {
        string data = _temp.Write("plays.csv", "listener,artist,plays\n1,2,3\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => PrepareAsync(data, DatasetFormat.Csv));

        Assert.Equal(
            "Missing columns in 'plays.csv': no user column. Its columns are [listener, artist, plays]; map them with --columns user=<col>,item=<col>[,rating=<col>][,timestamp=<col>].",
            error.Message);
    }

    [Fact]
    public async Task Prepare_GenericCsvWithMapping_ReadsTheMappedColumns()
    {
        string data = _temp.Write("plays.csv", "listener,artist,plays\n1,2,3\n1,3,10\n2,2,1\n2,2,7\n");

        PrepareResult result = await PrepareAsync(data, DatasetFormat.Csv, "user=listener,item=artist,rating=plays");

        Assert.Equal(3, result.Stats.Interactions);
        Assert.Equal(1, result.Stats.Rows.Duplicates);
        Assert.Equal(new RatingRange(1, 10, 21 / 4.0), result.Stats.Rating);
    }

    [Fact]
    public async Task Prepare_DoubleColonFileWithPositionalColumns_DetectsTheSeparator()
    {
        string data = _temp.Write("events.txt", "u1::i1::5::978300760\nu1::i2::3::978302109\nu2::i1::4::978301968\n");

        PrepareResult result = await PrepareAsync(data, DatasetFormat.Csv, "user=0,item=1,rating=2,timestamp=3");

        Assert.Equal(3, result.Stats.Interactions);
        Assert.Equal(new TimeRange(978300760, 978302109), result.Stats.Timestamps);
    }

    [Fact]
    public async Task Prepare_DuplicateEvents_KeepsTheLatest()
    {
        string data = _temp.Write("u.data", "1\t10\t1\t100\n1\t10\t5\t300\n1\t10\t3\t200\n1\t20\t2\t100\n");

        PrepareResult result = await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = data, Ratios = [0.5, 0.5] }, new LocalPreparedOutput(Output), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Stats.Rows.Duplicates);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Train, TestContext.Current.CancellationToken))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Test, TestContext.Current.CancellationToken))!;
        float[] labels = [.. train.Labels, .. test.Labels];
        long[] times = [.. train.Timestamps, .. test.Timestamps];
        Assert.Equal(5f, labels[Array.IndexOf(times, 300L)]);
        Assert.DoesNotContain(200L, times);
    }

    [Fact]
    public async Task Prepare_NeverModifiesTheInputFiles()
    {
        string data = _temp.Write("u.data", GoodRows + "garbage\n");
        byte[] before = SHA256.HashData(await File.ReadAllBytesAsync(data, TestContext.Current.CancellationToken));
        DateTime modified = File.GetLastWriteTimeUtc(data);

        await PrepareAsync(data);

        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(data, TestContext.Current.CancellationToken)));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(data));
    }

    [Fact]
    public async Task Prepare_LeaveLastOutWithoutTimestamps_FailsWithTheReason()
    {
        string data = _temp.Write("plays.csv", "user,item\n1,2\n1,3\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = data, Split = SplitMethod.LeaveLastOut }, new LocalPreparedOutput(Output), cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("The leave-last-out split needs timestamps, and 'plays.csv' has no timestamp column", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.75", new[] { 0.75, 0.25 })]
    [InlineData("0.8,0.2", new[] { 0.8, 0.2 })]
    [InlineData("0.7,0.1,0.2", new[] { 0.7, 0.1, 0.2 })]
    public void ParseRatios_ValidShares_AreReturned(string text, double[] expected) =>
        Assert.Equal(expected, PrepareOptions.ParseRatios(text));

    [Theory]
    [InlineData("1")]
    [InlineData("0.5,0.6")]
    [InlineData("abc")]
    [InlineData("0.2,0.2,0.2,0.4")]
    public void ParseRatios_InvalidShares_Throw(string text) =>
        Assert.Throws<DatasetException>(() => PrepareOptions.ParseRatios(text));

    [Fact]
    public void ParseFormat_UnknownName_ListsTheKnownOnes() =>
        Assert.Equal(
            "Unknown dataset format 'excel'. Known formats: auto, movielens-100k, movielens-1m, movielens-latest, csv, parquet, sequences.",
            Assert.Throws<DatasetException>(() => DatasetFormatNames.Parse("excel")).Message);

    public void Dispose() => _temp.Dispose();
}
