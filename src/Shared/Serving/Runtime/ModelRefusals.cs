namespace Recsys.Serving.Runtime;

// What the registry and the model host refuse, in their own terms; the HTTP surface maps each to a problem type.

/// <summary>The model has no such alias (or no such model at all).</summary>
public sealed class UnknownModelException(string model, string? alias = null)
    : RefusalException(alias is null ? $"There is no model '{model}'." : $"Model '{model}' has no alias '{alias}'.");

/// <summary>The model has no complete version by that name.</summary>
public sealed class UnknownVersionException(string model, string version)
    : RefusalException($"{model} has no complete version '{version}'.");

/// <summary>The version an alias points at cannot be loaded and nothing older is loaded for it.</summary>
public sealed class ModelUnavailableException(string reason, Exception? innerException = null)
    : RefusalException(reason, innerException);

/// <summary>
/// An alias write lost a race: the alias exists and no ETag was given (<see cref="Exists"/>), or it no longer
/// has the ETag the caller read.
/// </summary>
public sealed class AliasConflictException(string model, string alias, string? ifMatch, Exception? innerException = null)
    : RefusalException(
        ifMatch is null ? $"{model}/{alias} already exists; send its ETag in If-Match to move it." : $"{model}/{alias} no longer has ETag {ifMatch}; read it again and retry.",
        innerException)
{
    public bool Exists { get; } = ifMatch is null;
}

/// <summary>A version with this name is already published; versions are immutable.</summary>
public sealed class VersionExistsException(string model, string version, Exception? innerException = null)
    : RefusalException($"{model}/{version} exists; versions are immutable.", innerException);
