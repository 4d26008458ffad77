using System.Runtime.InteropServices;
using Recsys.Features;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Training.Onnx;

namespace Recsys.Testing;

/// <summary>
/// Small real model packages with hand-set weights, so ranks can be checked by hand. A tiny MovieLens-style
/// dataset (items 1..6, three users) is prepared for real; the MF graph gives item index i the vector (i, 0)
/// and every user the vector (direction, 0), so score(user, item i) = direction × i.
/// </summary>
public static class TestModels
{
    public const string ComedyItem = "4";

    /// <summary>Prepares the tiny dataset once per folder; returns the prepared folder.</summary>
    public static async Task<string> PrepareAsync(TempFolder temp)
    {
        string data = temp.Combine("tiny");
        Directory.CreateDirectory(data);
        var ratings = new List<string> { "userId,movieId,rating,timestamp" };
        foreach (int user in new[] { 1, 2, 3 })
        {
            foreach (int item in Enumerable.Range(1, 6))
            {
                ratings.Add($"{user},{item},{1 + ((user + item) % 5)},{1_000_000 + (user * 10) + item}");
            }
        }

        await File.WriteAllLinesAsync(Path.Combine(data, "ratings.csv"), ratings);
        await File.WriteAllLinesAsync(Path.Combine(data, "movies.csv"),
        [
            "movieId,title,genres",
            "1,One (2001),Drama", "2,Two (2002),Drama|Action", "3,Three (2003),Action",
            "4,Four (2004),Comedy", "5,Five (2005),Drama", "6,Six (2006),Action",
        ]);
        string output = temp.Combine("prepared");
        PrepareResult result = await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = data }, new LocalPreparedOutput(output));
        return result.Location;
    }

    /// <summary>Writes an exported-model folder for <paramref name="version"/> whose scores are direction × item index.</summary>
    public static Task<string> WritePackageAsync(string prepared, string folder, string version, float direction) =>
        WriteMatrixFactorizationAsync(prepared, folder, "movies", version, 2, (_, _) => [direction, 0], (index, _) => [index, 0]);

    /// <summary>
    /// Writes an exported matrix-factorisation package of <paramref name="model"/> over the prepared dataset's
    /// vocabularies, with each user's and item's vector given by index and id (index 0, the unknown one, with an empty
    /// id): score(user, item) = their dot product.
    /// </summary>
    public static async Task<string> WriteMatrixFactorizationAsync(
        string prepared, string folder, string model, string version, int dimensions, Func<int, string, float[]> userVector, Func<int, string, float[]> itemVector)
    {
        Directory.CreateDirectory(folder);
        FeatureSpec spec = await PreparedDatasetReader.ReadSpecAsync(prepared);
        int users = spec.Users.Size, items = spec.Items.Size;
        string[] userIds = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Users))["id"];
        string[] itemIds = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Items))["id"];
        float[] Table(int rows, string[] ids, Func<int, string, float[]> vector)
        {
            float[] weights = new float[rows * dimensions];
            for (int i = 0; i < rows; i++)
            {
                vector(i, i == 0 ? string.Empty : ids[i - 1]).AsSpan().CopyTo(weights.AsSpan(i * dimensions, dimensions));
            }

            return weights;
        }

        float[] userWeights = Table(users, userIds, userVector), itemWeights = Table(items, itemIds, itemVector);
        await File.WriteAllBytesAsync(Path.Combine(folder, ModelManifest.ModelFile),
            MatrixFactorizationExporter.Export(userWeights, itemWeights, new float[users], new float[items], dimensions));
        await File.WriteAllBytesAsync(Path.Combine(folder, "item_embeddings.bin"), MemoryMarshal.AsBytes(itemWeights.AsSpan()).ToArray());
        File.Copy(Path.Combine(prepared, PreparedFiles.Items), Path.Combine(folder, PreparedFiles.Items), overwrite: true);
        File.Copy(Path.Combine(prepared, PreparedFiles.Users), Path.Combine(folder, PreparedFiles.Users), overwrite: true);
        var manifest = new ModelManifest
        {
            Name = model,
            Version = version,
            Created = DateTimeOffset.UtcNow,
            Architecture = MatrixFactorizationExporter.Architecture,
            TrainingDataHash = "test",
            Features = spec,
            Inputs = MatrixFactorizationExporter.Inputs,
            Outputs = MatrixFactorizationExporter.Outputs,
            ItemEmbeddings = new ItemEmbeddingsSpec("item_embeddings.bin", items, dimensions),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, ModelManifest.FileName), manifest.ToJson());
        return folder;
    }
}
