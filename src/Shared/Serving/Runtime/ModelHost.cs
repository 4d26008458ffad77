using System.Collections.Concurrent;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Storage;

namespace Recsys.Serving.Runtime;

/// <summary>
/// The models a serving process holds, one per (model, alias): loaded on first use and warmed up, then kept
/// current by polling each alias. A new version is loaded and checked completely before it is swapped in;
/// requests in flight finish on the version they started with, which is disposed once they are done. A
/// version that fails to load is never swapped in: the previous one keeps serving and health says degraded.
/// </summary>
public sealed class ModelHost : IAsyncDisposable
{
    private readonly ModelRegistry _registry;
    private readonly ServingOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Model, string Alias), AliasSlot> _slots = new();
    private readonly ConcurrentDictionary<(string Model, string Alias), (string ETag, string Reason)> _refused = new();
    private readonly ConcurrentDictionary<(string Model, string Alias), string> _expected = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _storageFailed = new(0);
    private Task? _refreshLoop;

    public ModelHost(ModelRegistry registry, ServingOptions options, ILogger? logger = null)
    {
        _registry = registry;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        Provider = OnnxSessionFactory.SelectProvider(options.PreferGpu);
        ServingLog.ExecutionProvider(_logger, Provider);
    }

    public ExecutionProvider Provider { get; }

    /// <summary>Test seam: runs after a caller found its slot empty and before it waits at the slot's gate.</summary>
    internal Func<(string Model, string Alias), Task>? BeforeGate { get; set; }

    public ModelRegistry Registry => _registry;

    /// <summary>
    /// Starts polling aliases every <see cref="ServingOptions.RefreshInterval"/>. When storage cannot be reached
    /// the loop retries sooner, with exponential backoff from <see cref="ServingOptions.RefreshRetryDelay"/>, so
    /// a short outage ends the degraded state in seconds rather than at the next interval.
    /// </summary>
    public void StartRefreshing() => _refreshLoop ??= Task.Run(RefreshLoopAsync);

    /// <summary>A lease on the version <paramref name="alias"/> of <paramref name="model"/> points at, loading it on first use.</summary>
    public async ValueTask<ModelLease> AcquireAsync(string model, string alias, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(model, "model");
        ResourceName.Require(alias, "alias");
        var key = (model, alias);
        while (true)
        {
            AliasSlot slot = _slots.GetOrAdd(key, _ => new AliasSlot());
            slot.Touch();
            LoadedModel? current = Volatile.Read(ref slot.Current);
            if (current is not null)
            {
                if (current.TryAcquire())
                {
                    return new ModelLease(current);
                }

                continue; // swapped or evicted between the read and the acquire: read again
            }

            if (BeforeGate is { } beforeGate)
            {
                await beforeGate(key);
            }

            await slot.Gate.WaitAsync(cancellationToken);
            try
            {
                // The slot may have been evicted (removed from the table) while this call waited at its gate: a
                // model loaded into it now would be served once and never retired. Start again with the table's slot.
                if (!_slots.TryGetValue(key, out AliasSlot? listed) || !ReferenceEquals(listed, slot))
                {
                    continue;
                }

                if (slot.Current is null)
                {
                    await RefreshSlotAsync(key, slot, firstLoad: true, cancellationToken);
                }
            }
            catch
            {
                _slots.TryRemove(new KeyValuePair<(string, string), AliasSlot>(key, slot));
                throw;
            }
            finally
            {
                slot.Gate.Release();
            }
        }
    }

    /// <summary>
    /// Declares an alias this host exists to serve (the default model): loads it now and, while it cannot be
    /// loaded, keeps trying on every refresh and reports health as degraded with the reason, rather than
    /// "healthy" with nothing loaded. Returns that reason, or null once it is loaded.
    /// </summary>
    public async Task<string?> ExpectAsync(string model, string alias, CancellationToken cancellationToken = default)
    {
        _expected.TryAdd((model, alias), "not loaded yet");
        return await LoadExpectedAsync((model, alias), cancellationToken);
    }

    /// <summary>Checks every held alias now (also what the background loop does), swapping in new versions.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (key, slot) in _slots)
        {
            await RefreshAsync(key.Model, key.Alias, slot, cancellationToken);
        }

        foreach (var key in _expected.Keys)
        {
            if (!_slots.TryGetValue(key, out AliasSlot? slot) || Volatile.Read(ref slot.Current) is null)
            {
                await LoadExpectedAsync(key, cancellationToken);
            }
        }
    }

    /// <summary>Checks one alias now, if this process holds it (after a promotion through this process).</summary>
    public Task RefreshAsync(string model, string alias, CancellationToken cancellationToken = default) =>
        _slots.TryGetValue((model, alias), out AliasSlot? slot) ? RefreshAsync(model, alias, slot, cancellationToken) : Task.CompletedTask;

    public HealthReport Health()
    {
        var models = _slots
            .Select(pair => (pair.Key, Slot: pair.Value, Current: Volatile.Read(ref pair.Value.Current)))
            .Where(s => s.Current is not null)
            .Select(s => new LoadedModelInfo(s.Key.Model, s.Key.Alias, s.Current!.Model.Version, s.Current.Model.Provider.ToString(), s.Current.LoadedAt, s.Slot.Degraded))
            .OrderBy(m => m.Model, StringComparer.Ordinal).ThenBy(m => m.Alias, StringComparer.Ordinal)
            .ToList();
        var unavailable = _expected
            .Where(e => !models.Any(m => (m.Model, m.Alias) == e.Key))
            .Select(e => $"{e.Key.Model}/{e.Key.Alias}: {e.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();
        string status = unavailable.Count > 0 || models.Any(m => m.Degraded is not null) ? "degraded" : "healthy";
        return new HealthReport(status, Provider.ToString(), models, unavailable);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_refreshLoop is not null)
        {
            await _refreshLoop.ConfigureAwait(false);
        }

        foreach (var (key, slot) in _slots)
        {
            if (_slots.TryRemove(key, out _))
            {
                Retire(Interlocked.Exchange(ref slot.Current, null));
            }
        }

        _stopping.Dispose();
        _storageFailed.Dispose();
    }

    private async Task<string?> LoadExpectedAsync((string Model, string Alias) key, CancellationToken cancellationToken)
    {
        try
        {
            using ModelLease lease = await AcquireAsync(key.Model, key.Alias, cancellationToken);
            // What health says should it be unloaded later (only the memory budget unloads a model).
            _expected[key] = "unloaded to stay within the memory budget; loads again on the next request or refresh";
            return null;
        }
        catch (RefusalException ex)
        {
            if (_expected.TryGetValue(key, out string? before) && before != ex.Message)
            {
                ServingLog.NotServed(_logger, key.Model, key.Alias, ex.Message);
            }

            _expected[key] = ex.Message;
            return ex.Message;
        }
    }

    private async Task RefreshAsync(string model, string alias, AliasSlot slot, CancellationToken cancellationToken)
    {
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            await RefreshSlotAsync((model, alias), slot, firstLoad: false, cancellationToken);
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Loads the version the alias points at into the slot if it is new; called with the slot's gate held.</summary>
    private async Task RefreshSlotAsync((string Model, string Alias) key, AliasSlot slot, bool firstLoad, CancellationToken cancellationToken)
    {
        AliasPointer? pointer;
        try
        {
            pointer = await _registry.ReadAliasAsync(key.Model, key.Alias, cancellationToken);
        }
        catch (Exception ex) when (!firstLoad && ex is RequestFailedException or HttpRequestException or AggregateException)
        {
            // Storage unreachable: keep serving what is loaded, say so, and wake the refresh loop into backoff.
            slot.Degraded = $"Cannot read alias {key.Model}/{key.Alias}: {ex.Message}";
            slot.Unreachable = true;
            _storageFailed.Release();
            return;
        }

        slot.Unreachable = false;

        if (pointer is null)
        {
            if (firstLoad)
            {
                throw new UnknownModelException(key.Model, key.Alias);
            }

            slot.Degraded = $"Alias {key.Model}/{key.Alias} was removed; still serving {slot.Current?.Model.Version}.";
            return;
        }

        LoadedModel? current = slot.Current;
        if (current is not null && current.Model.Version == pointer.Version)
        {
            slot.Degraded = null;
            return;
        }

        if (slot.FailedETag == pointer.ETag)
        {
            return; // this pointer's version already failed; wait for the alias to move
        }

        // A version that never loaded is not downloaded again for every request: only once the alias moves.
        if (current is null && _refused.TryGetValue(key, out var refused) && refused.ETag == pointer.ETag)
        {
            throw new ModelUnavailableException(refused.Reason);
        }

        LoadedModel loaded;
        try
        {
            ModelPackage package = await ModelPackage.LoadAsync(_registry, key.Model, pointer.Version, cancellationToken);
            ScoringModel scoring = ScoringModel.Load(package, Provider, _options.IntraOpThreads, _options.IntraOpSpinning);
            if (_options.DynamicBatching)
            {
                scoring.BatchRequests(_options.BatchMaxRows, _options.BatchMaxWait);
            }

            loaded = new LoadedModel(scoring, key.Alias, pointer.ETag);
        }
        catch (ModelLoadException ex)
        {
            ServingMetrics.LoadFailures.Add(1, new("model", key.Model), new("version", pointer.Version));
            ServingLog.Refused(_logger, key.Model, pointer.Version, key.Alias, ex.Message);
            slot.FailedETag = pointer.ETag;
            if (current is null)
            {
                string reason = $"{key.Model}/{pointer.Version}: {ex.Message}";
                _refused[key] = (pointer.ETag, reason);
                throw new ModelUnavailableException(reason, ex);
            }

            slot.Degraded = $"{key.Model}/{pointer.Version} refused: {ex.Message}; still serving {current.Model.Version}.";
            return;
        }

        Retire(Interlocked.Exchange(ref slot.Current, loaded));
        _refused.TryRemove(key, out _);
        ServingMetrics.Loaded(1);
        slot.Degraded = null;
        slot.FailedETag = null;
        if (current is not null)
        {
            ServingMetrics.Swaps.Add(1, new KeyValuePair<string, object?>("model", key.Model));
            ServingLog.Swapped(_logger, key.Model, key.Alias, current.Model.Version, pointer.Version);
        }
        else
        {
            ServingLog.Loaded(_logger, key.Model, key.Alias, pointer.Version, Provider);
        }

        EvictBeyondBudget(key);
    }

    /// <summary>Unloads least-recently-used aliases (never <paramref name="keep"/>) while the loaded total exceeds the budget.</summary>
    private void EvictBeyondBudget((string, string) keep)
    {
        while (_slots.Sum(s => Volatile.Read(ref s.Value.Current)?.Model.SizeBytes ?? 0) > _options.MemoryBudgetBytes)
        {
            var victim = _slots.Where(s => s.Key != keep && s.Value.Current is not null).OrderBy(s => s.Value.LastUsed).FirstOrDefault();
            if (victim.Value is null || !_slots.TryRemove(victim))
            {
                return;
            }

            ServingLog.Unloaded(_logger, victim.Key.Model, victim.Key.Alias);
            Retire(Interlocked.Exchange(ref victim.Value.Current, null));
        }
    }

    private static void Retire(LoadedModel? model)
    {
        if (model is not null)
        {
            ServingMetrics.Loaded(-1);
            model.Release();
        }
    }

    private async Task RefreshLoopAsync()
    {
        TimeSpan wait = _options.RefreshInterval;
        int failures = 0;
        try
        {
            while (true)
            {
                await _storageFailed.WaitAsync(wait, _stopping.Token);
                try
                {
                    await RefreshAsync(_stopping.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ServingLog.RefreshFailed(_logger, ex);
                }

                while (_storageFailed.Wait(0))
                {
                    // this pass's own failures are handled by the backoff below, not by waking again at once
                }

                failures = _slots.Values.Any(s => s.Unreachable) ? failures + 1 : 0;
                wait = failures == 0 ? _options.RefreshInterval : RetryDelay(failures);
                if (failures > 0)
                {
                    ServingLog.StorageUnreachable(_logger, failures, wait);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Doubles from the configured delay up to the refresh interval, with ±20 % jitter so replicas spread out.</summary>
    private TimeSpan RetryDelay(int failures)
    {
        double seconds = Math.Min(_options.RefreshInterval.TotalSeconds, _options.RefreshRetryDelay.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private sealed class AliasSlot
    {
        public LoadedModel? Current;
        public long LastUsed;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Degraded { get; set; }

        /// <summary>The last alias read failed because storage could not be reached.</summary>
        public bool Unreachable { get; set; }

        public string? FailedETag { get; set; }

        public void Touch() => Volatile.Write(ref LastUsed, Environment.TickCount64);
    }
}

/// <summary>What <c>GET /api/health</c> returns.</summary>
/// <param name="Unavailable">The default model's alias when it is not loaded, with the reason (then the status is degraded).</param>
public sealed record HealthReport(string Status, string ExecutionProvider, IReadOnlyList<LoadedModelInfo> Models, IReadOnlyList<string> Unavailable);

public sealed record LoadedModelInfo(string Model, string Alias, string Version, string Provider, DateTimeOffset LoadedAt, string? Degraded);
