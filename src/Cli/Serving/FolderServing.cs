using Azure.Storage.Blobs;
using Recsys.Models;
using Recsys.Serving.Runtime;
using Recsys.Storage;

namespace Recsys.Cli.Serving;

/// <summary>
/// <c>recsys serve --from out/models/x</c>: an exported model folder served without a separate publish step. The
/// folder goes into the registry of the store being served (the local one by default) and the alias is pointed at
/// it, so serving, hot reload and health behave exactly as for a published model, and a later publish or
/// promotion takes over from it.
/// </summary>
internal static class FolderServing
{
    /// <summary>What <see cref="PublishAsync"/> did: the model and version now behind the alias, and what it pointed at before.</summary>
    public sealed record Published(string Model, string Version, string Alias, string? Previous, bool Uploaded);

    /// <summary>Publishes <paramref name="folder"/> as <paramref name="model"/> (unless that version is already there) and points <paramref name="alias"/> at it.</summary>
    public static async Task<Published> PublishAsync(BlobServiceClient storage, string folder, string? model, string alias, CancellationToken cancellationToken)
    {
        string manifestPath = RequirePackage(folder);
        string name = model ?? ModelNameFor(folder);
        var registry = new ModelRegistry(storage.GetBlobContainerClient(ModelRegistry.ContainerName));
        ModelManifest manifest = ModelManifest.FromJson(await File.ReadAllTextAsync(manifestPath, cancellationToken));
        bool uploaded = false;
        if (!await registry.HasVersionAsync(name, manifest.Version, cancellationToken))
        {
            await registry.PublishAsync(name, folder, cancellationToken);
            uploaded = true;
        }

        AliasPointer? current = await registry.ReadAliasAsync(name, alias, cancellationToken);
        if (current?.Version != manifest.Version)
        {
            await registry.SetAliasAsync(name, alias, manifest.Version, current?.ETag, cancellationToken);
        }

        return new Published(name, manifest.Version, alias, current?.Version == manifest.Version ? null : current?.Version, uploaded);
    }

    /// <summary>The folder's manifest path; bad input (exit 2) when the folder is not an exported model.</summary>
    public static string RequirePackage(string folder)
    {
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        return File.Exists(manifestPath)
            ? manifestPath
            : throw new UsageException($"--from '{folder}' is not an exported model folder (no {ModelManifest.FileName}); `recsys train --output` writes one.");
    }

    /// <summary>The folder's own name when it is a valid model name (out/models/multdae → multdae), else "local".</summary>
    private static string ModelNameFor(string folder)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return ResourceName.IsValid(name) ? name : "local";
    }
}
