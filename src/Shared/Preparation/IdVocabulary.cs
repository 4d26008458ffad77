namespace Recsys.Preparation;

/// <summary>
/// Assigns provisional indices to ids in order of first appearance. Lookups by span avoid allocating a string
/// per row; only a new id allocates.
/// </summary>
internal sealed class IdVocabulary
{
    private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _ids = [];

    public IdVocabulary()
    {
        _lookup = _indices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _ids.Count;

    /// <summary>The provisional index of <paramref name="id"/>, or −1 when no row had it.</summary>
    public int IndexOf(string id) => _indices.GetValueOrDefault(id, -1);

    public string this[int index] => _ids[index];

    public int GetOrAdd(ReadOnlySpan<char> id)
    {
        if (TryParseSmallCanonical(id, out int value))
        {
            if (value < _dense.Length && _dense[value] != 0)
            {
                return _dense[value] - 1;
            }

            if (value >= _dense.Length)
            {
                Array.Resize(ref _dense, Math.Min(MaxDenseValue, Math.Max(value + 1, _dense.Length * 2)));
            }

            int added = Add(id.ToString());
            _dense[value] = added + 1;
            return added;
        }

        return _lookup.TryGetValue(id, out int index) ? index : Add(id.ToString());
    }

    private int Add(string text)
    {
        int index = _ids.Count;
        _ids.Add(text);
        _indices.Add(text, index);
        return index;
    }

    // Small canonical integers ("0", "42"; not "042", which is a different id) index an array directly:
    // one cache-friendly load instead of hashing and comparing a string, several times faster on the
    // numeric ids most datasets use. Other ids take the dictionary.
    private const int MaxDenseValue = 1 << 22;

    private int[] _dense = new int[1024];

    private static bool TryParseSmallCanonical(ReadOnlySpan<char> id, out int value)
    {
        value = 0;
        if (id.Length is 0 or > 7 || (id[0] == '0' && id.Length > 1))
        {
            return false;
        }

        foreach (char c in id)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return value < MaxDenseValue;
    }

    /// <summary>
    /// Final indices for the kept ids, 1-based in id order (numeric when every kept id is an integer, else
    /// ordinal), so the mapping depends on which ids exist and not on row order. Index 0 is padding/unknown.
    /// </summary>
    public (int[] FinalIndex, string[] IdsByFinalIndex) Finalise(Func<int, bool> keep)
    {
        var kept = new List<int>();
        for (int i = 0; i < _ids.Count; i++)
        {
            if (keep(i))
            {
                kept.Add(i);
            }
        }

        bool numeric = kept.TrueForAll(i => long.TryParse(_ids[i], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _));
        if (numeric)
        {
            kept.Sort((a, b) => long.Parse(_ids[a], System.Globalization.CultureInfo.InvariantCulture)
                .CompareTo(long.Parse(_ids[b], System.Globalization.CultureInfo.InvariantCulture)));
        }
        else
        {
            kept.Sort((a, b) => string.CompareOrdinal(_ids[a], _ids[b]));
        }

        int[] finalIndex = new int[_ids.Count];
        string[] byFinal = new string[kept.Count + 1];
        byFinal[0] = string.Empty;
        for (int rank = 0; rank < kept.Count; rank++)
        {
            finalIndex[kept[rank]] = rank + 1;
            byFinal[rank + 1] = _ids[kept[rank]];
        }

        return (finalIndex, byFinal);
    }
}
