using System.Text;

namespace Recsys.Features;

/// <summary>
/// Lower-cased runs of letters and digits. Deliberately simple and culture-invariant so the same text gives
/// the same tokens in training and in serving on any machine.
/// </summary>
public static class TextTokenizer
{
    public const string Name = "lowercase-words";

    private static readonly string[] s_markers = ["<pad>", "<unk>"];

    public static IEnumerable<string> Tokenize(string text)
    {
        var current = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                yield return current.ToString();
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    /// <summary>Token indices for <paramref name="text"/>, padded or cut to the spec's length.</summary>
    public static int[] Encode(string text, TextFeatureSpec spec, IReadOnlyDictionary<string, int> index)
    {
        int[] tokens = new int[spec.MaxTokens];
        Array.Fill(tokens, spec.PadIndex);
        int n = 0;
        foreach (string token in Tokenize(text))
        {
            if (n == tokens.Length)
            {
                break;
            }

            tokens[n++] = index.TryGetValue(token, out int i) ? i : spec.UnknownIndex;
        }

        return tokens;
    }

    /// <summary>A vocabulary from a corpus: most frequent first (ties in ordinal order), capped.</summary>
    public static IReadOnlyList<string> BuildVocabulary(IEnumerable<string> texts, int maxSize)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string text in texts)
        {
            foreach (string token in Tokenize(text))
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }

        return [.. s_markers.Concat(counts
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, maxSize - 2)).Select(p => p.Key))];
    }
}
