using System.Buffers;
using System.Text.Json;

namespace Recsys.Serving.Http;

/// <summary>
/// Reads a request body as JSON under the serving limits: at most <see cref="ServingOptions.MaxBodyBytes"/>
/// (counted while reading, so an oversized body costs no more than the limit) and at most
/// <see cref="ServingOptions.MaxJsonDepth"/> levels of nesting. Failures are <see cref="ProblemException"/>
/// or <see cref="JsonException"/>, never anything else.
/// </summary>
internal sealed class JsonBodyReader
{
    private readonly int _limit;

    public JsonBodyReader(ServingOptions options)
    {
        _limit = options.MaxBodyBytes;
        Options = new JsonSerializerOptions(Features.FeatureSpec.JsonOptions) { MaxDepth = options.MaxJsonDepth, WriteIndented = false };
    }

    public JsonSerializerOptions Options { get; }

    public int MaxDepth => Options.MaxDepth;

    public async Task<T> ReadAsync<T>(Stream body, CancellationToken cancellationToken)
        where T : class
    {
        using PooledBody bytes = await ReadBytesAsync(body, cancellationToken);
        return Parse<T>(bytes.Span);
    }

    /// <summary>The whole body in a pooled buffer (returned when the result is disposed), within the size limit.</summary>
    public async Task<PooledBody> ReadBytesAsync(Stream body, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_limit + 1, 64 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > _limit)
                    {
                        throw TooLarge();
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(_limit + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > _limit)
                {
                    throw TooLarge();
                }
            }

            return new PooledBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Deserialises a body that is already in memory (the size limit is the caller's).</summary>
    public T Parse<T>(ReadOnlySpan<byte> utf8)
        where T : class
    {
        if (utf8.IsEmpty)
        {
            throw new ProblemException(ProblemTypes.InvalidJson, "The body is empty.", "Send a JSON object.");
        }

        return JsonSerializer.Deserialize<T>(utf8, Options)
            ?? throw new ProblemException(ProblemTypes.InvalidJson, "The body is null.", "Send a JSON object.");
    }

    private ProblemException TooLarge() =>
        new(ProblemTypes.BodyTooLarge, "Body too large.", $"The body exceeds {_limit} bytes.");
}

/// <summary>A request body held in a pooled buffer until disposed.</summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } held)
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }
}
