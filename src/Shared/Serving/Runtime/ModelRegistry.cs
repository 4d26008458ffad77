using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Features;
using Recsys.Models;
using Recsys.Storage;

namespace Recsys.Serving.Runtime;

/// <summary>
/// Model versions and aliases in the <c>models</c> container: <c>{model}/{version}/</c> holds a model package
/// (<c>manifest.json</c> uploaded last and only if absent, so a version without it is incomplete and invisible),
/// and <c>{model}/aliases/{alias}.json</c> is a pointer <c>{ "version": "..." }</c> written with ETag
/// conditions, so two concurrent promotions cannot silently overwrite each other.
/// </summary>
public sealed class ModelRegistry
{
    public const string ContainerName = "models";
    private const string AliasesFolder = "aliases";

    public ModelRegistry(BlobContainerClient container) => Container = container;

    public BlobContainerClient Container { get; }

    /// <summary>Uploads an exported model folder as version <c>manifest.Version</c> of <paramref name="name"/>.</summary>
    public async Task<ModelManifest> PublishAsync(string name, string folder, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(name, "model");
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"'{folder}' is not an exported model: it has no {ModelManifest.FileName}.", manifestPath);
        }

        ModelManifest manifest = ModelManifest.FromJson(await File.ReadAllTextAsync(manifestPath, cancellationToken)) with { Name = name };
        string version = ResourceName.Require(manifest.Version, "version");
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string fileName = Path.GetFileName(file);
            if (fileName != ModelManifest.FileName)
            {
                await Container.GetBlobClient($"{name}/{version}/{fileName}").UploadAsync(file, overwrite: true, cancellationToken);
            }
        }

        try
        {
            await Container.GetBlobClient($"{name}/{version}/{ModelManifest.FileName}").UploadAsync(
                BinaryData.FromString(manifest.ToJson()),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new VersionExistsException(name, version, ex);
        }

        return manifest;
    }

    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        if (!await Container.ExistsAsync(cancellationToken))
        {
            return names;
        }

        await foreach (BlobHierarchyItem item in Container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/" }, cancellationToken))
        {
            if (item.IsPrefix)
            {
                names.Add(item.Prefix.TrimEnd('/'));
            }
        }

        return names;
    }

    /// <summary>Complete versions (those with a manifest), oldest first, and every alias with its target.</summary>
    public async Task<ModelEntry?> GetModelAsync(string name, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(name, "model");
        var versions = new SortedSet<string>(StringComparer.Ordinal);
        var aliases = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!await Container.ExistsAsync(cancellationToken))
        {
            return null;
        }

        await foreach (BlobItem blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{name}/" }, cancellationToken))
        {
            string[] parts = blob.Name.Split('/');
            if (parts.Length == 3 && parts[1] == AliasesFolder && parts[2].EndsWith(".json", StringComparison.Ordinal))
            {
                string alias = parts[2][..^".json".Length];
                AliasPointer? pointer = await ReadAliasAsync(name, alias, cancellationToken);
                if (pointer is not null)
                {
                    aliases[alias] = pointer.Version;
                }
            }
            else if (parts.Length == 3 && parts[2] == ModelManifest.FileName)
            {
                versions.Add(parts[1]);
            }
        }

        return versions.Count == 0 && aliases.Count == 0 ? null : new ModelEntry(name, [.. versions], aliases);
    }

    public async Task<AliasPointer?> ReadAliasAsync(string name, string alias, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobDownloadResult result = await AliasBlob(name, alias).DownloadContentAsync(cancellationToken);
            string version = JsonSerializer.Deserialize<AliasBody>(result.Content.ToString(), FeatureSpec.JsonOptions)?.Version
                ?? throw new InvalidDataException($"Alias {name}/{alias} names no version.");
            return new AliasPointer(version, result.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Points <paramref name="alias"/> at <paramref name="version"/>. With <paramref name="ifMatch"/> the write
    /// succeeds only if the alias still has that ETag; without it, only if the alias does not exist yet. Either
    /// way a concurrent change gives a 409 problem instead of a lost update.
    /// </summary>
    public async Task<AliasPointer> SetAliasAsync(string name, string alias, string version, string? ifMatch, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(name, "model");
        ResourceName.Require(alias, "alias");
        ResourceName.Require(version, "version");
        if (!await HasVersionAsync(name, version, cancellationToken))
        {
            throw new UnknownVersionException(name, version);
        }

        var conditions = ifMatch is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            BlobContentInfo info = await AliasBlob(name, alias).UploadAsync(
                BinaryData.FromString(JsonSerializer.Serialize(new AliasBody(version), FeatureSpec.JsonOptions)),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken);
            return new AliasPointer(version, info.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new AliasConflictException(name, alias, ifMatch, ex);
        }
    }

    /// <summary>Whether <paramref name="version"/> of <paramref name="name"/> is complete (its manifest is uploaded).</summary>
    public async Task<bool> HasVersionAsync(string name, string version, CancellationToken cancellationToken = default) =>
        await Container.ExistsAsync(cancellationToken)
        && await Container.GetBlobClient($"{name}/{version}/{ModelManifest.FileName}").ExistsAsync(cancellationToken);

    /// <summary>Opens one file of a version, or null when it does not exist.</summary>
    public async Task<Stream?> OpenAsync(string name, string version, string file, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobDownloadStreamingResult result = await Container.GetBlobClient($"{name}/{version}/{file}").DownloadStreamingAsync(cancellationToken: cancellationToken);
            return result.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private BlobClient AliasBlob(string name, string alias) =>
        Container.GetBlobClient($"{ResourceName.Require(name, "model")}/{AliasesFolder}/{ResourceName.Require(alias, "alias")}.json");

    private sealed record AliasBody(string Version);
}

/// <summary>A model's complete versions and its aliases (alias → version).</summary>
public sealed record ModelEntry(string Name, IReadOnlyList<string> Versions, IReadOnlyDictionary<string, string> Aliases);

/// <summary>Where an alias points, and the ETag to send when moving it.</summary>
public sealed record AliasPointer(string Version, string ETag);
