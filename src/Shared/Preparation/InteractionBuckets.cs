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
