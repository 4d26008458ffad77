namespace Recsys.Data;

/// <summary>
/// The command-line names of an enum's values (kebab-case, in declaration order) and the one parser they all
/// share, so every unknown name gets the same message listing the known ones.
/// </summary>
public sealed class NamedValues<T>(string kind, string plural, params string[] names)
    where T : struct, Enum
{
    public IReadOnlyList<string> All { get; } = names;

    public string NameOf(T value) => names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)];

    public T Parse(string name, IReadOnlyDictionary<string, T>? aliases = null)
    {
        string trimmed = name.Trim();
        int at = Array.FindIndex(names, n => n.Equals(trimmed, StringComparison.OrdinalIgnoreCase));
        if (at >= 0)
        {
            return (T)Enum.ToObject(typeof(T), at);
        }

        return aliases?.FirstOrDefault(a => a.Key.Equals(trimmed, StringComparison.OrdinalIgnoreCase)) is { Key: not null } alias
            ? alias.Value
            : throw new DatasetException($"Unknown {kind} '{name}'. Known {plural}: {string.Join(", ", names)}.");
    }
}
