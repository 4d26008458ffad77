namespace Recsys.Storage;

/// <summary>A name that breaks <see cref="ResourceName"/>'s rule; <see cref="What"/> says which kind of name.</summary>
public sealed class InvalidNameException(string what)
    : RefusalException($"A {what} name is 1-{ResourceName.MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit.")
{
    public string What { get; } = what;
}
