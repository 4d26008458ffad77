using System.Buffers;

namespace Recsys.Storage;

/// <summary>
/// The one rule for every name that becomes part of a blob path (model, version, alias, profile, dataset,
/// job id): 1–64 characters of letters, digits, '-', '_' and '.', starting with a letter or digit. That leaves
/// no room for '/', '..', '%', whitespace or control characters, so a name can never leave its folder.
/// </summary>
public static class ResourceName
{
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= MaxLength
        && char.IsAsciiLetterOrDigit(name[0])
        && !name.AsSpan().ContainsAnyExcept(Allowed)
        && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>Returns <paramref name="name"/>, or throws <see cref="InvalidNameException"/> stating the rule.</summary>
    public static string Require(string? name, string what) =>
        IsValid(name) ? name! : throw new InvalidNameException(what);
}
