using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Storage;

namespace Recsys.Serving.Ranking;

/// <summary>Ranking profiles from the <c>profiles</c> container, cached for one refresh interval.</summary>
public sealed class ProfileStore
{
    public const string ContainerName = "profiles";

    private readonly BlobContainerClient _container;
    private readonly TimeSpan _maxAge;
    private readonly ConcurrentDictionary<string, (FusionProfile Profile, long FetchedAt)> _cache = new(StringComparer.Ordinal);

    public ProfileStore(BlobContainerClient container, TimeSpan maxAge)
    {
        _container = container;
        _maxAge = maxAge;
    }

    public async ValueTask<FusionProfile> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(name, "profile");
        if (_cache.TryGetValue(name, out var cached) && Environment.TickCount64 - cached.FetchedAt < _maxAge.TotalMilliseconds)
        {
            return cached.Profile;
        }

        BlobDownloadResult result;
        try
        {
            result = await _container.GetBlobClient($"{name}.json").DownloadContentAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new UnknownProfileException(name, ex);
        }

        FusionProfile profile;
        try
        {
            profile = FusionProfile.FromJson(result.Content.ToString());
        }
        catch (JsonException ex)
        {
            throw new InvalidProfileException(name, ex.Message, ex);
        }

        _cache[name] = (profile, Environment.TickCount64);
        return profile;
    }

    public async Task SaveAsync(string name, FusionProfile profile, CancellationToken cancellationToken = default)
    {
        ResourceName.Require(name, "profile");
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _container.GetBlobClient($"{name}.json").UploadAsync(BinaryData.FromString(profile.ToJson()), overwrite: true, cancellationToken);
        _cache.TryRemove(name, out _);
    }
}
