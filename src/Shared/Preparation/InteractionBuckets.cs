using System.Buffers;
using System.Runtime.InteropServices;

namespace Recsys.Preparation;

/// <summary>
/// Spills interactions to temporary files partitioned by user, so each later pass holds one bucket (all of
/// some users' rows) in memory at a time. Memory then grows with the bucket size and the vocabularies, not
/// with the row count. Owns its temporary folder and deletes it on dispose.
/// </summary>
internal sealed class InteractionBuckets : IDisposable
{
    private const int BufferRows = 4096;

    private readonly string _folder;
    private readonly FileStream?[] _writers;
    private readonly Interaction[][] _buffers;
    private readonly int[] _buffered;

    public InteractionBuckets(string folder, int count)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        Count = count;
        _writers = new FileStream?[count];
        _buffers = new Interaction[count][];
        _buffered = new int[count];
        for (int b = 0; b < count; b++)
        {
            _writers[b] = new FileStream(PathOf(b), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _buffers[b] = new Interaction[BufferRows];
        }
    }

    public int Count { get; }

    public int BucketOf(int user) => (int)((uint)user % (uint)Count);

    public void Add(in Interaction interaction)
    {
        int b = BucketOf(interaction.User);
        _buffers[b][_buffered[b]++] = interaction;
        if (_buffered[b] == BufferRows)
        {
            Flush(b);
        }
    }

    /// <summary>Flushes and closes the writers; buckets can be read after this.</summary>
    public void CompleteWriting()
    {
        for (int b = 0; b < Count; b++)
        {
            if (_writers[b] is not null)
            {
                Flush(b);
                _writers[b]!.Dispose();
                _writers[b] = null;
            }
        }
    }

    /// <summary>Reads bucket <paramref name="bucket"/> into a pooled array; return it with <see cref="Release"/>.</summary>
    public Interaction[] Read(int bucket, out int length)
    {
        string path = PathOf(bucket);
        long bytes = new FileInfo(path).Length;
        length = checked((int)(bytes / Marshal.SizeOf<Interaction>()));
        Interaction[] rows = ArrayPool<Interaction>.Shared.Rent(Math.Max(length, 1));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        stream.ReadExactly(MemoryMarshal.AsBytes(rows.AsSpan(0, length)));
        return rows;
    }

    /// <summary>Replaces bucket <paramref name="bucket"/> with <paramref name="rows"/> (after dedupe or filtering).</summary>
    public void Rewrite(int bucket, ReadOnlySpan<Interaction> rows)
    {
        using var stream = new FileStream(PathOf(bucket), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(MemoryMarshal.AsBytes(rows));
    }

    public static void Release(Interaction[] rows) => ArrayPool<Interaction>.Shared.Return(rows);

    /// <summary>
    /// Sorts one bucket's rows by user, item, time and input order. A counting sort by user (users in bucket
    /// b are b, b+Count, b+2·Count, ..., so user / Count is a dense local index) does the large part in linear
    /// time; only each user's few rows need a comparison sort.
    /// </summary>
    public void SortByUserItemTime(Span<Interaction> rows, int userCount)
    {
        int localUsers = (userCount / Count) + 1;
        int[] starts = ArrayPool<int>.Shared.Rent(localUsers + 1);
        Interaction[] scratch = ArrayPool<Interaction>.Shared.Rent(Math.Max(rows.Length, 1));
        try
        {
            Array.Clear(starts, 0, localUsers + 1);
            foreach (ref readonly Interaction row in rows)
            {
                starts[(row.User / Count) + 1]++;
            }

            for (int u = 0; u < localUsers; u++)
            {
                starts[u + 1] += starts[u];
            }

            // Stable scatter; starts[u] ends as the end of user u's range, i.e. the start of the next.
            foreach (ref readonly Interaction row in rows)
            {
                scratch[starts[row.User / Count]++] = row;
            }

            scratch.AsSpan(0, rows.Length).CopyTo(rows);
            int from = 0;
            for (int u = 0; u < localUsers; u++)
            {
                int to = starts[u];
                if (to - from > 1)
                {
                    rows[from..to].Sort(new UserItemTimeOrder());
                }

                from = to;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<Interaction>.Shared.Return(scratch);
        }
    }

    private void Flush(int bucket)
    {
        _writers[bucket]!.Write(MemoryMarshal.AsBytes(_buffers[bucket].AsSpan(0, _buffered[bucket])));
        _buffered[bucket] = 0;
    }

    private string PathOf(int bucket) => Path.Combine(_folder, $"bucket-{bucket:D4}.bin");

    public void Dispose()
    {
        foreach (FileStream? writer in _writers)
        {
            writer?.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder that cannot be removed now is left to the OS; it holds no published data.
        }
    }
}
