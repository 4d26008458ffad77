using System.Collections.Frozen;

namespace Recsys.Serving.Runtime;

/// <summary>
/// Id → vocabulary index (row i of the vocabulary is index i + 1; 0 when unknown). When every id is a
/// canonical non-negative integer below 2^24 (MovieLens and most numeric catalogues), lookups parse the digits
/// and read a dense array, several times faster than hashing the string; otherwise a frozen dictionary.
/// </summary>
internal sealed class IdLookup
{
    private const int DenseLimit = 1 << 24;

    private readonly int[]? _dense;
    private readonly FrozenDictionary<string, int>? _map;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spans;

    private IdLookup(int[]? dense, FrozenDictionary<string, int>? map)
    {
        _dense = dense;
        _map = map;
        _spans = map?.GetAlternateLookup<ReadOnlySpan<char>>() ?? default;
    }

    public static IdLookup Build(string[] ids)
    {
        int max = -1;
        foreach (string id in ids)
        {
            int value = ParseCanonical(id.AsSpan());
            if (value < 0)
            {
                max = -1;
                break;
            }

            max = Math.Max(max, value);
        }

        if (max >= 0 || ids.Length == 0)
        {
            int[] dense = new int[max + 1];
            for (int i = ids.Length - 1; i >= 0; i--)
            {
                dense[ParseCanonical(ids[i].AsSpan())] = i + 1; // first occurrence wins, as in the dictionary
            }

            return new IdLookup(dense, null);
        }

        var map = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            map.TryAdd(ids[i], i + 1);
        }

        return new IdLookup(null, map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The index of <paramref name="id"/>, or 0 when the vocabulary does not have it.</summary>
    public int IndexOf(string id) => _dense is not null ? Dense(ParseCanonical(id.AsSpan())) : _map!.GetValueOrDefault(id);

    /// <summary>The index of the id whose UTF-8 bytes are <paramref name="utf8"/> (valid UTF-8), or 0; no string is made.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8)
    {
        if (_dense is not null)
        {
            return Dense(ParseCanonical(utf8));
        }

        if (utf8.Length > MaxStackChars)
        {
            return _map!.GetValueOrDefault(System.Text.Encoding.UTF8.GetString(utf8));
        }

        Span<char> chars = stackalloc char[MaxStackChars];
        int length = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return _spans.TryGetValue(chars[..length], out int index) ? index : 0;
    }

    /// <summary>Whether every id is a canonical number, so <see cref="IndexOf(int)"/> answers for any id.</summary>
    public bool Numeric => _dense is not null;

    /// <summary>The index of the id spelled as <paramref name="value"/> in canonical decimal, or 0; only when <see cref="Numeric"/>.</summary>
    public int IndexOf(int value) => Dense(value);

    private const int MaxStackChars = 512;

    /// <summary>The index of a parsed canonical value (−1: not one), or 0.</summary>
    private int Dense(int value) => value >= 0 && value < _dense!.Length ? _dense[value] : 0;

    /// <summary>The value of a canonical decimal (no sign, no leading zero, below 2^24), or −1.</summary>
    private static int ParseCanonical<T>(ReadOnlySpan<T> id)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        if (id.Length is 0 or > 8 || (int.CreateTruncating(id[0]) == '0' && id.Length > 1))
        {
            return -1;
        }

        int value = 0;
        foreach (T c in id)
        {
            uint digit = uint.CreateTruncating(c) - (uint)'0';
            if (digit > 9)
            {
                return -1;
            }

            value = (value * 10) + (int)digit;
        }

        return value < DenseLimit ? value : -1;
    }
}
