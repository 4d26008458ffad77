using System.CommandLine;
using System.Text.Json;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Text;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys prepare</c>: parse, validate, clean, split and publish a dataset.</summary>
internal static class PrepareCommand
{
    public static Command Create()
    {
        var dataset = new DatasetOptions();
        var output = new Option<string>("--output")
        {
            Description = "Output folder, or a Blob URI prefix (the dataset lands under {prefix}/{contentHash}/).",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "Name recorded for the prepared dataset (default: the dataset's file or folder name)." };
        var json = new Option<bool>("--json") { Description = "Print stats.json to stdout instead of a table." };
        var textVectors = new Option<bool>("--text-vectors")
        {
            Description = $"Also encode each item's text (title, genres, tags or description) with {MiniLmEncoder.ModelName} into {ItemTextVectors.VectorsFile}, once per text: later preparations of the same items take the vectors from the cache (a local output only).",
        };

        var command = new Command("prepare", "Prepare a dataset: validate (bad rows to quarantine.csv), deduplicate, build vocabularies, split, write Parquet + spec.json + stats.json.");
        dataset.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(name);
        command.Options.Add(json);
        command.Options.Add(textVectors);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            string? connection = dataset.ConnectionStringFrom(result);
            PrepareResult prepared = await RunAsync(
                result.GetValue(dataset.Dataset)!, result.GetValue(output)!, connection,
                local => dataset.ToPrepareOptions(result, local) with { Name = result.GetValue(name) },
                result.GetValue(json) ? null : new ConsoleProgress(), ct);
            if (result.GetValue(textVectors))
            {
                await EncodeTextAsync(prepared.Location, result.GetValue(json) ? null : new ConsoleProgress(), ct);
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(prepared.Stats.ToJson());
            }
            else
            {
                PrepareSummary.Write(prepared);
            }

            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Runs prepare for a local or Blob dataset into a local or Blob output.</summary>
    public static async Task<PrepareResult> RunAsync(
        string dataset, string output, string? connectionString, Func<string, PrepareOptions> options,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        string? downloaded = null;
        try
        {
            string local = dataset;
            if (StorageLocation.IsBlobUri(dataset))
            {
                var (container, prefix) = StorageLocation.OpenContainer(dataset, connectionString);
                downloaded = Path.Combine(Path.GetTempPath(), $"recsys-dataset-{Guid.NewGuid():N}", Path.GetFileName(prefix.TrimEnd('/')));
                progress?.Report($"downloading {dataset}");
                local = await BlobDatasetDownloader.DownloadAsync(container, prefix, downloaded, cancellationToken);
            }

            IPreparedOutput target = StorageLocation.IsBlobUri(output)
                ? OpenBlobOutput(output, connectionString)
                : new LocalPreparedOutput(output);
            return await DatasetPreparer.PrepareAsync(options(local), target, progress, cancellationToken);
        }
        finally
        {
            if (downloaded is not null)
            {
                Directory.Delete(Path.GetDirectoryName(downloaded)!, recursive: true);
            }
        }
    }

    /// <summary>Item text vectors beside a local prepared dataset, from the user's vector cache where it has them.</summary>
    public static async Task EncodeTextAsync(string preparedFolder, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (StorageLocation.IsBlobUri(preparedFolder))
        {
            throw new Data.DatasetException("--text-vectors needs a local --output folder.");
        }

        using var encoder = new MiniLmEncoder();
        progress?.Report($"encoding item text with {encoder.Name} on {encoder.Provider}");
        int shownTenth = 0;
        var batches = new SynchronousProgress<(int Done, int Total)>(p =>
        {
            if (p.Done * 10 / p.Total > shownTenth)
            {
                shownTenth = p.Done * 10 / p.Total; // a line per tenth, not per batch
                progress?.Report($"encoded {p.Done:N0}/{p.Total:N0} items");
            }
        });
        TextVectorInfo? info = await ItemTextVectors.BuildAsync(preparedFolder, encoder, ItemTextVectors.DefaultCache, batches, cancellationToken);
        progress?.Report(info is null
            ? "no item has any text: no text vectors written"
            : $"text vectors: {info.ItemsWithText:N0} of {info.Items - 1:N0} items, {info.Dimensions} dimensions, {info.Encoder} ({info.EncoderVersion})");
    }

    private static BlobPreparedOutput OpenBlobOutput(string output, string? connectionString)
    {
        var (container, prefix) = StorageLocation.OpenContainer(output, connectionString);
        return new BlobPreparedOutput(container, prefix);
    }
}

/// <summary>Stage lines on stderr, so stdout stays clean for --json and pipes.</summary>
internal sealed class ConsoleProgress : IProgress<string>
{
    public void Report(string value) => Console.Error.WriteLine($"  · {value}");
}
