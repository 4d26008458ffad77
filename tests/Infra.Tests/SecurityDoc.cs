namespace Recsys.Infra.Tests;

/// <summary>The "What each identity may do" table of docs/security.md, as "identity | scope | role" rows.</summary>
internal static class SecurityDoc
{
    public static IEnumerable<string> RoleTable()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "security.md"));
        int header = Array.FindIndex(lines, l => l.StartsWith("| identity | scope | role | why |", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new InvalidOperationException("docs/security.md has no '| identity | scope | role | why |' table.");
        }

        foreach (string line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            string[] cells = [.. line.Trim('|').Split('|').Select(c => c.Trim())];
            yield return $"{cells[0]} | {cells[1]} | {cells[2]}";
        }
    }
}
