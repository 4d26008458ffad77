using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Recsys.Features;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>Status of a job or one of its stages.</summary>
public enum JobStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>
/// Job records in the Azure Table <c>jobs</c>: one row per stage of a job (partition = job id, row = stage key
/// such as <c>prepare</c> or <c>train-bpr</c>), with status, attempt, timings, counts and the error. Stages use
/// the rows to skip work a redelivered message already did.
/// </summary>
public sealed class JobStore
{
    public const string TableName = "jobs";

    private readonly TableClient _table;

    public JobStore(TableClient table) => _table = table;

    public async Task<StageRecord?> GetStageAsync(string jobId, string stage, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _table.GetEntityIfExistsAsync<TableEntity>(jobId, stage, cancellationToken: cancellationToken);
        return row.HasValue ? ToRecord(row.Value!) : null;
    }

    public async Task StartAsync(string jobId, string stage, int attempt, CancellationToken cancellationToken = default)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        StageRecord? existing = await GetStageAsync(jobId, stage, cancellationToken);
        await _table.UpsertEntityAsync(
            new TableEntity(jobId, stage)
            {
                ["Status"] = nameof(JobStatus.Running),
                ["Attempt"] = attempt,
                ["StartedAt"] = existing?.StartedAt ?? DateTimeOffset.UtcNow,
                ["Error"] = null,
            },
            TableUpdateMode.Merge,
            cancellationToken);
    }

    /// <summary>Records how far a running stage is (e.g. the last finished epoch), for <c>GET /api/jobs/{id}</c>.</summary>
    public async Task ProgressAsync(string jobId, string stage, string progress, CancellationToken cancellationToken = default) =>
        await _table.UpsertEntityAsync(new TableEntity(jobId, stage) { ["Progress"] = progress }, TableUpdateMode.Merge, cancellationToken);

    public Task CompleteAsync(string jobId, string stage, IReadOnlyDictionary<string, object>? details = null, CancellationToken cancellationToken = default) =>
        FinishAsync(jobId, stage, JobStatus.Completed, null, details, cancellationToken);

    public Task FailAsync(string jobId, string stage, string error, IReadOnlyDictionary<string, object>? details = null, CancellationToken cancellationToken = default) =>
        FinishAsync(jobId, stage, JobStatus.Failed, error, details, cancellationToken);

    /// <summary>Every stage of a job, in the order they started; null when the job is unknown.</summary>
    public async Task<JobView?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Storage.ResourceName.Require(jobId, "job");
        var stages = new List<StageRecord>();
        try
        {
            await foreach (TableEntity row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == jobId, cancellationToken: cancellationToken))
            {
                stages.Add(ToRecord(row));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        if (stages.Count == 0)
        {
            return null;
        }

        stages.Sort((a, b) => Nullable.Compare(a.StartedAt, b.StartedAt));
        JobStatus status = stages.Any(s => s.Status == JobStatus.Failed) ? JobStatus.Failed
            : stages.Any(s => s.Status == JobStatus.Running) ? JobStatus.Running
            : JobStatus.Completed;
        return new JobView(jobId, status, stages);
    }

    private async Task FinishAsync(string jobId, string stage, JobStatus status, string? error, IReadOnlyDictionary<string, object>? details, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        await _table.UpsertEntityAsync(
            new TableEntity(jobId, stage)
            {
                ["Status"] = status.ToString(),
                ["FinishedAt"] = DateTimeOffset.UtcNow,
                ["Error"] = error,
                ["Details"] = details is null ? null : JsonSerializer.Serialize(details, FeatureSpec.JsonOptions),
            },
            TableUpdateMode.Merge,
            cancellationToken);
    }

    private static StageRecord ToRecord(TableEntity row)
    {
        string? details = row.GetString("Details");
        return new StageRecord(
            row.RowKey,
            Enum.Parse<JobStatus>(row.GetString("Status") ?? nameof(JobStatus.Running)),
            row.GetInt32("Attempt") ?? 1,
            row.GetDateTimeOffset("StartedAt"),
            row.GetDateTimeOffset("FinishedAt"),
            row.GetString("Error"),
            row.GetString("Progress"),
            details is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(details, FeatureSpec.JsonOptions));
    }
}

/// <summary>One stage of a job as stored.</summary>
public sealed record StageRecord(
    string Stage, JobStatus Status, int Attempt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, string? Progress,
    IReadOnlyDictionary<string, JsonElement>? Details)
{
    public double? Seconds => StartedAt is { } s && FinishedAt is { } f && f >= s ? (f - s).TotalSeconds : null;
}

/// <summary>What <c>GET /api/jobs/{id}</c> returns.</summary>
public sealed record JobView(string JobId, JobStatus Status, IReadOnlyList<StageRecord> Stages);
