using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Evaluation;
using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>
/// Evaluate: scores the held-out split through the serving scorer, writes
/// <c>reports/{model}/{version}/metrics.json</c>, evaluates the current champion on the same users, and moves
/// the champion alias (ETag-guarded) when the promotion gate passes. The first version of a model becomes
/// champion directly.
/// </summary>
public sealed class EvaluateStage : IPipelineStage
{
    public const string ChampionAlias = "champion";
    public const int K = 10;

    private readonly PipelineStorage _storage;
    private readonly PromotionGate _gate;
    private readonly ILogger _logger;

    public EvaluateStage(PipelineStorage storage, PromotionGate? gate = null, ILogger? logger = null)
    {
        _storage = storage;
        _gate = gate ?? new PromotionGate();
        _logger = logger ?? NullLogger.Instance;
    }

    public PipelineStage Stage => PipelineStage.Evaluate;

    public static string StageKey(string version) => $"evaluate-{version}";

    public async Task<IReadOnlyList<PipelineMessage>> HandleAsync(PipelineMessage message, CancellationToken cancellationToken)
    {
        string model = message.Model ?? throw new PermanentStageException("An evaluate message names no model.");
        string version = message.Version ?? throw new PermanentStageException("An evaluate message names no version.");
        string key = StageKey(version);
        if ((await _storage.Jobs.GetStageAsync(message.JobId, key, cancellationToken))?.Status is JobStatus.Completed or JobStatus.Failed)
        {
            return [];
        }

        await _storage.Jobs.StartAsync(message.JobId, key, message.Attempt, cancellationToken);
        string temp = Path.Combine(Path.GetTempPath(), $"recsys-evaluate-{Guid.NewGuid():N}");
        try
        {
            string prepared = await _storage.DownloadPreparedAsync(message, temp, cancellationToken);
            Dataset data = await Dataset.ReadAsync(prepared, cancellationToken);
            EvaluationResult challenger = await EvaluateAsync(model, version, data, cancellationToken);
            await WriteReportAsync(model, version, challenger, cancellationToken);

            (bool promoted, string reason) = await PromoteAsync(model, version, data, challenger, cancellationToken);
            PipelineLog.Decision(_logger, model, version, challenger.Metrics[MetricNames.Ndcg(K)], promoted ? $"promoted to {ChampionAlias}" : $"{ChampionAlias} kept", reason);
            await _storage.Jobs.CompleteAsync(message.JobId, key, new Dictionary<string, object>
            {
                ["version"] = version,
                [MetricNames.Ndcg(K)] = challenger.Metrics[MetricNames.Ndcg(K)],
                [MetricNames.HitRate(K)] = challenger.Metrics[MetricNames.HitRate(K)],
                ["promoted"] = promoted,
                ["decision"] = reason,
            }, cancellationToken);
            return [];
        }
        catch (ModelLoadException ex)
        {
            await _storage.Jobs.FailAsync(message.JobId, key, ex.Message, cancellationToken: cancellationToken);
            throw new PermanentStageException(ex.Message, ex);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    private async Task<(bool Promoted, string Reason)> PromoteAsync(string model, string version, Dataset data, EvaluationResult challenger, CancellationToken cancellationToken)
    {
        AliasPointer? champion = await _storage.Registry.ReadAliasAsync(model, ChampionAlias, cancellationToken);
        if (champion?.Version == version)
        {
            return (true, "already champion");
        }

        if (champion is null)
        {
            // Create-only: if another evaluation created it meanwhile this throws 409 and the message is retried against it.
            await _storage.Registry.SetAliasAsync(model, ChampionAlias, version, ifMatch: null, cancellationToken);
            return (true, "first version of the model");
        }

        EvaluationResult current = await EvaluateAsync(model, champion.Version, data, cancellationToken);
        PromotionDecision decision = _gate.Decide(current, challenger);
        if (!decision.Promote)
        {
            return (false, string.Join(" ", decision.Reasons));
        }

        await _storage.Registry.SetAliasAsync(model, ChampionAlias, version, champion.ETag, cancellationToken);
        return (true, $"{decision.Primary.Metric} {decision.Primary.Difference:+0.0000;-0.0000} over {champion.Version}");
    }

    private async Task<EvaluationResult> EvaluateAsync(string model, string version, Dataset data, CancellationToken cancellationToken)
    {
        ModelPackage package = await ModelPackage.LoadAsync(_storage.Registry, model, version, cancellationToken);
        using ScoringModel scoring = ScoringModel.Load(package, OnnxSessionFactory.SelectProvider());
        var recommender = new ServingRecommender(scoring, data.ItemIds, data.UserIds);
        recommender.Fit(data.Train, cancellationToken);
        return RankingEvaluator.Evaluate(recommender, data.Train, data.Test, K, alsoSeen: data.Validation, cancellationToken: cancellationToken);
    }

    private async Task WriteReportAsync(string model, string version, EvaluationResult result, CancellationToken cancellationToken)
    {
        BlobContainerClient reports = _storage.Container(PipelineStorage.Reports);
        await reports.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await reports.GetBlobClient($"{model}/{version}/metrics.json").UploadAsync(
            BinaryData.FromString(JsonSerializer.Serialize(result.Metrics, FeatureSpec.JsonOptions)), overwrite: true, cancellationToken);
    }

    /// <summary>The prepared dataset as evaluation needs it.</summary>
    private sealed record Dataset(InteractionMatrix Train, PreparedSplit Test, PreparedSplit? Validation, string[] ItemIds, string[] UserIds)
    {
        public static async Task<Dataset> ReadAsync(string folder, CancellationToken cancellationToken)
        {
            FeatureSpec spec = await PreparedDatasetReader.ReadSpecAsync(folder, cancellationToken);
            PreparedSplit train = await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train, cancellationToken)
                ?? throw new InvalidDataException("The prepared dataset has no train split.");
            PreparedSplit test = await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Test, cancellationToken)
                ?? throw new InvalidDataException("The prepared dataset has no test split.");
            PreparedSplit? validation = await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Validation, cancellationToken);
            string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(folder, PreparedFiles.Items, cancellationToken))["id"];
            string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(folder, PreparedFiles.Users, cancellationToken))["id"];
            return new Dataset(InteractionMatrix.FromSplit(train, spec.Users.Size, spec.Items.Size), test, validation, items, users);
        }
    }
}
