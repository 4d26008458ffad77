using System.Text;
using Parquet;
using Parquet.Schema;

namespace Recsys.Fuzz;

/// <summary>Small valid inputs AFL starts from, one folder per target; the Parquet one is written with Parquet.Net.</summary>
internal static class Seeds
{
    private static readonly Dictionary<string, string> s_text = new(StringComparer.Ordinal)
    {
        ["csv"] = "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,\"10,29\",3.0,1260759179\n",
        ["tsv"] = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n",
        ["dat"] = "1::1193::5::978300760\n1::661::3::978302109\n",
        ["sniff"] = "user;item;rating\nu1;i1;4\nu2;i1;5\n",
        ["movies"] = "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n2,\"Heat, The (1995)\",Action\n",
        ["rank"] = """{"model":"neumf","userId":"1","history":["10"],"candidates":[{"id":"31"},{"id":"1029","features":{"price":3}}],"top":2,"filters":{"genres":["Comedy"]},"diversity":0.3}""",
        ["batch"] = """{"model":"neumf","requests":[{"userId":"1","candidates":[{"id":"31"},{"id":"1029"}]},{"userId":"2","candidates":[{"id":"10"}]}]}""",
        ["feedback"] = """{"events":[{"userId":"1","itemId":"31","type":"rating","value":4.5,"timestamp":"2026-01-02T03:04:05Z"}]}""",
    };

    public static async Task WriteAsync(string folder)
    {
        foreach ((string target, string text) in s_text)
        {
            Directory.CreateDirectory(Path.Combine(folder, target));
            await File.WriteAllTextAsync(Path.Combine(folder, target, "seed"), text, Encoding.UTF8);
        }

        Directory.CreateDirectory(Path.Combine(folder, "parquet"));
        var user = new DataField<int>("userId");
        var item = new DataField<int>("movieId");
        var rating = new DataField<float>("rating");
        await using var stream = File.Create(Path.Combine(folder, "parquet", "seed"));
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(user, item, rating), stream);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        await group.WriteAsync(user, new ReadOnlyMemory<int>([1, 1, 2]), null, null);
        await group.WriteAsync(item, new ReadOnlyMemory<int>([31, 1029, 10]), null, null);
        await group.WriteAsync(rating, new ReadOnlyMemory<float>([2.5f, 3f, 4f]), null, null);
    }
}
