using Recsys.Features;
using Recsys.Preparation;

namespace Recsys.Experiments;

/// <summary>Each item's genres as indices into the spec's genre list (for intra-list diversity).</summary>
internal static class ItemGenres
{
    public static async Task<IReadOnlyList<IReadOnlySet<int>>> ReadAsync(string preparedFolder, FeatureSpec spec, CancellationToken cancellationToken)
    {
        var index = spec.Genres.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i, StringComparer.Ordinal);
        var columns = await PreparedDatasetReader.ReadTextColumnsAsync(preparedFolder, PreparedFiles.Items, cancellationToken);
        var genres = new IReadOnlySet<int>[spec.Items.Size];
        genres[0] = new HashSet<int>();
        string[] text = columns["genres"];
        for (int i = 0; i < text.Length; i++)
        {
            genres[i + 1] = text[i].Split('|', StringSplitOptions.RemoveEmptyEntries).Where(index.ContainsKey).Select(g => index[g]).ToHashSet();
        }

        return genres;
    }
}
