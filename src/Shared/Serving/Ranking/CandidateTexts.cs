using System.Collections.Concurrent;
using Recsys.Serving.Contracts;
using Recsys.Serving.Runtime;
using Recsys.Text;

namespace Recsys.Serving.Ranking;

/// <summary>
/// Sentence vectors for rank candidates a text-reading model does not know: the host's encoder (loaded on first
/// use, on CUDA when present), one batch per request, and a bounded cache by text so a new item sent again costs
/// a lookup. Catalogue items and candidates without text get zero rows.
/// </summary>
internal sealed class CandidateTexts
{
    private const int CacheLimit = 20_000;

    private readonly Lazy<MiniLmEncoder> _encoder = new(() => new MiniLmEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _encoding = new();

    /// <summary>Rows of [candidates, model.TextDimensions]; empty when the model reads no text or no unknown candidate has any.</summary>
    public ReadOnlyMemory<float> For(ScoringModel model, IReadOnlyList<RankCandidate> candidates, int[] items, CancellationToken cancellationToken)
    {
        int width = model.TextDimensions;
        if (width == 0)
        {
            return ReadOnlyMemory<float>.Empty;
        }

        // This request's vectors, held locally: a cache cleared by another request meanwhile costs nothing here.
        var vectors = new Dictionary<string, float[]?>(StringComparer.Ordinal);
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] == 0 && candidates[i].Text is { } text)
            {
                vectors[text] = _cache.GetValueOrDefault(text);
            }
        }

        if (vectors.Count == 0)
        {
            return ReadOnlyMemory<float>.Empty;
        }

        string[] missing = [.. vectors.Where(v => v.Value is null).Select(v => v.Key)];
        if (missing.Length > 0)
        {
            float[][] encoded;
            lock (_encoding)
            {
                encoded = _encoder.Value.Encode(missing, cancellationToken);
            }

            if (_cache.Count + missing.Length > CacheLimit)
            {
                _cache.Clear(); // bounded: a full cache starts over rather than tracking recency per hit
            }

            for (int m = 0; m < missing.Length; m++)
            {
                vectors[missing[m]] = _cache[missing[m]] = encoded[m];
            }
        }

        float[] rows = new float[items.Length * width];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] == 0 && candidates[i].Text is { } text)
            {
                vectors[text]!.AsSpan(0, width).CopyTo(rows.AsSpan(i * width, width));
            }
        }

        return rows;
    }
}
