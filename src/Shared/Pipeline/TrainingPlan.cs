using System.Text.Json;
using Recsys.Features;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>One model to train: its architecture (a <c>recsys train --model</c> name) and optional epoch count.</summary>
public sealed record PlannedModel(string Architecture, int? Epochs = null);

/// <summary>
/// What the pipeline does with a dataset, read from <c>datasets/{name}/recsys-plan.json</c> when present: how to
/// read the files (<see cref="Prepare"/>), the registry name the versions go to, and one train message per listed
/// model (fan-out). Without a plan, the dataset is read as <c>recsys prepare</c> would by default, under the
/// dataset name, with a single fast model.
/// </summary>
public sealed record TrainingPlan
{
    public const string FileName = "recsys-plan.json";

    /// <summary>Registry name; default: the dataset name.</summary>
    public string? Model { get; init; }

    public IReadOnlyList<PlannedModel> Models { get; init; } = [new("bpr", 10)];

    /// <summary>How to read the dropped files, as <c>recsys prepare</c>'s options; default: detected.</summary>
    public PlannedPreparation? Prepare { get; init; }

    public static TrainingPlan Default { get; } = new();

    public static TrainingPlan FromJson(string json)
    {
        TrainingPlan plan = JsonSerializer.Deserialize<TrainingPlan>(json, FeatureSpec.JsonOptions) ?? Default;
        if (plan.Models is not { Count: > 0 } || plan.Models.Any(m => string.IsNullOrWhiteSpace(m.Architecture) || m.Epochs is <= 0))
        {
            throw new Data.DatasetException($"{FileName} must list at least one model, each with an architecture and positive epochs.");
        }

        if (plan.Model is not null && !Storage.ResourceName.IsValid(plan.Model))
        {
            throw new Data.DatasetException($"{FileName} names an invalid model '{plan.Model}'.");
        }

        _ = (plan.Prepare ?? new PlannedPreparation()).ToOptions(".", "plan"); // every prepare value is checked now, before any download
        return plan;
    }

    /// <summary>The plan dropped with <paramref name="dataset"/> in <paramref name="datasets"/>; null when none was dropped, and a bad one throws as <see cref="FromJson"/> does.</summary>
    public static async Task<TrainingPlan?> ReadAsync(Azure.Storage.Blobs.BlobContainerClient datasets, string dataset, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await datasets.GetBlobClient($"{dataset}/{FileName}").DownloadContentAsync(cancellationToken);
            return FromJson(content.Value.Content.ToString());
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Fails when a planned architecture is not one that <paramref name="trainable"/> names.</summary>
    public void RequireTrainable(IReadOnlyCollection<string> trainable)
    {
        if (Models.FirstOrDefault(m => !trainable.Contains(m.Architecture, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new Data.DatasetException(
                $"'{unknown.Architecture}' is not a trainable architecture; use one of {string.Join(", ", trainable.Order(StringComparer.Ordinal))}.");
        }
    }
}
