namespace Recsys.Preparation;

/// <summary>
/// SplitMix64: a small, fast generator whose output is fixed by its seed on every platform and .NET version
/// (System.Random makes no such promise), which is what reproducible splits need.
/// </summary>
internal struct StableRandom
{
    private ulong _state;

    public StableRandom(ulong seed)
    {
        _state = seed;
    }

    /// <summary>A generator for one key (e.g. a user id) under a global seed, independent of other keys.</summary>
    public static StableRandom ForKey(ReadOnlySpan<char> key, int seed)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a offset basis
        foreach (char c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var mixer = new StableRandom(hash ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
        return new StableRandom(mixer.NextUInt64());
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>) by multiply-shift on the top 32 bits.</summary>
    public int NextInt(int exclusiveMax) => (int)(((NextUInt64() >> 32) * (ulong)exclusiveMax) >> 32);

    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
