namespace Recsys.Serving;

/// <summary>Serving settings (configuration section <c>Serving</c>); the limits are enforced before any work.</summary>
public sealed record ServingOptions
{
    public const string Section = "Serving";

    /// <summary>The model a request without <c>model</c> or <c>profile</c> is ranked with.</summary>
    public string DefaultModel { get; init; } = "movies";

    public string DefaultAlias { get; init; } = "champion";

    /// <summary>How often aliases are polled for a new version.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry after storage could not be reached; doubles on each failure up to <see cref="RefreshInterval"/>.</summary>
    public TimeSpan RefreshRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Loaded model versions beyond this total size are unloaded, least recently used first.</summary>
    public long MemoryBudgetBytes { get; init; } = 4L << 30;

    public bool PreferGpu { get; init; } = true;

    /// <summary>
    /// ONNX Runtime threads per CPU scoring run (0: one per core). Concurrent requests already keep every core
    /// busy, so extra threads per run mostly wait on each other (docs/serving.md, "Host settings").
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Whether those threads spin between runs instead of sleeping: lower latency when idle cores exist, stolen cycles when not.</summary>
    public bool IntraOpSpinning { get; init; } = true;

    /// <summary>
    /// Concurrent rank requests for one model version are scored in shared session runs (one at a time, each
    /// taking everything queued up to <see cref="BatchMaxRows"/> candidates), as a GPU wants them. Off by default:
    /// on CPU, separate concurrent runs measured as fast (docs/serving.md, "Host settings").
    /// </summary>
    public bool DynamicBatching { get; init; }

    /// <summary>Most candidate rows in one batched run.</summary>
    public int BatchMaxRows { get; init; } = 65_536;

    /// <summary>How long a batched run waits for more requests before it starts (spinning; zero: it takes what is queued).</summary>
    public TimeSpan BatchMaxWait { get; init; }

    public int MaxBodyBytes { get; init; } = 4 << 20;

    /// <summary>
    /// The largest dataset file <c>POST /api/datasets/{name}</c> takes: 100 MiB, the Functions host's own default
    /// request limit, which infra sets to the same value. Larger drops go straight to Blob Storage.
    /// </summary>
    public long MaxUploadBytes { get; init; } = 100L << 20;

    public int MaxCandidates { get; init; } = 10_000;

    public int MaxTop { get; init; } = 1_000;

    public int MaxHistory { get; init; } = 1_000;

    public int MaxBatchUsers { get; init; } = 256;

    public int MaxIdLength { get; init; } = 256;

    public int MaxJsonDepth { get; init; } = 16;

    public int MaxFeedbackEvents { get; init; } = 10_000;
}
