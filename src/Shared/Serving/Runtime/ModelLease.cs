namespace Recsys.Serving.Runtime;

/// <summary>
/// A reference-counted hold on a loaded model. The alias slot holds one reference and each request another;
/// a swapped-out model is disposed when the last request using it releases its lease.
/// </summary>
internal sealed class LoadedModel
{
    private int _references = 1;

    public LoadedModel(ScoringModel model, string alias, string etag)
    {
        Model = model;
        Alias = alias;
        ETag = etag;
    }

    public ScoringModel Model { get; }

    public string Alias { get; }

    public string ETag { get; }

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Adds a reference unless the model has already been released for good.</summary>
    public bool TryAcquire()
    {
        int current = Volatile.Read(ref _references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Model.Dispose();
            NativeHeap.TrimSoon();
        }
    }
}

/// <summary>A request's use of a model; dispose it when the response is computed.</summary>
public sealed class ModelLease : IDisposable
{
    private LoadedModel? _loaded;

    internal ModelLease(LoadedModel loaded) => _loaded = loaded;

    public ScoringModel Model => (_loaded ?? throw new ObjectDisposedException(nameof(ModelLease))).Model;

    public string Alias => (_loaded ?? throw new ObjectDisposedException(nameof(ModelLease))).Alias;

    public void Dispose() => Interlocked.Exchange(ref _loaded, null)?.Release();
}
