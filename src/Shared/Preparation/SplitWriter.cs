using Parquet;
using Parquet.Schema;

namespace Recsys.Preparation;

/// <summary>
/// Writes one split as Parquet (<c>user:int32, item:int32, label:float, timestamp:int64</c>, final indices),
/// buffering columns and emitting a row group of about <see cref="RowGroupRows"/> rows per flush. Owns its stream.
/// </summary>
internal sealed class SplitWriter : IAsyncDisposable
{
    public const int RowGroupRows = 1 << 19;

    public static readonly DataField<int> UserField = new("user");
    public static readonly DataField<int> ItemField = new("item");
    public static readonly DataField<float> LabelField = new("label");
    public static readonly DataField<long> TimestampField = new("timestamp");
    public static readonly ParquetSchema Schema = new(UserField, ItemField, LabelField, TimestampField);

    private readonly Stream _stream;
    private readonly ParquetWriter _writer;
    private int[] _users = new int[4096];
    private int[] _items = new int[4096];
    private float[] _labels = new float[4096];
    private long[] _timestamps = new long[4096];
    private readonly HashSet<int> _distinctItems = [];
    private int _buffered;
    private int _lastUser = -1;

    private SplitWriter(Stream stream, ParquetWriter writer)
    {
        _stream = stream;
        _writer = writer;
    }

    public long Rows { get; private set; }

    public int Users { get; private set; }

    public int Items => _distinctItems.Count;

    public static async Task<SplitWriter> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        ParquetWriter writer = await ParquetWriter.CreateAsync(Schema, stream, cancellationToken: cancellationToken);
        return new SplitWriter(stream, writer);
    }

    /// <summary>Rows buffered beyond a row group's worth: call <see cref="FlushAsync"/>.</summary>
    public bool IsFull => _buffered >= RowGroupRows;

    /// <summary>
    /// Buffers a row (the caller flushes when <see cref="IsFull"/>, between buckets). Rows of one user arrive
    /// together, which is how distinct users are counted.
    /// </summary>
    public void Add(int user, int item, float label, long timestamp)
    {
        if (_buffered == _users.Length)
        {
            // Flushes happen between users, so past a row group the buffer only ever overshoots by one user.
            int size = _users.Length < RowGroupRows ? Math.Min(_users.Length * 2, RowGroupRows) : _users.Length + (1 << 14);
            Array.Resize(ref _users, size);
            Array.Resize(ref _items, size);
            Array.Resize(ref _labels, size);
            Array.Resize(ref _timestamps, size);
        }

        if (user != _lastUser)
        {
            Users++;
            _lastUser = user;
        }

        _distinctItems.Add(item);
        _users[_buffered] = user;
        _items[_buffered] = item;
        _labels[_buffered] = label;
        _timestamps[_buffered] = timestamp;
        _buffered++;
        Rows++;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffered == 0)
        {
            return;
        }

        using ParquetRowGroupWriter group = _writer.CreateRowGroup();
        await group.WriteAsync(UserField, new ReadOnlyMemory<int>(_users, 0, _buffered), null, null, cancellationToken);
        await group.WriteAsync(ItemField, new ReadOnlyMemory<int>(_items, 0, _buffered), null, null, cancellationToken);
        await group.WriteAsync(LabelField, new ReadOnlyMemory<float>(_labels, 0, _buffered), null, null, cancellationToken);
        await group.WriteAsync(TimestampField, new ReadOnlyMemory<long>(_timestamps, 0, _buffered), null, null, cancellationToken);
        _buffered = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
    }
}
