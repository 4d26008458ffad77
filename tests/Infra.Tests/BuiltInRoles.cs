using System.Text.Json;

namespace Recsys.Infra.Tests;

/// <summary>The checked-in table of built-in role ids the template may use (BuiltInRoles.json, with where each came from).</summary>
internal static class BuiltInRoles
{
    public static Dictionary<string, string> ById { get; } = Load();

    private static Dictionary<string, string> Load()
    {
        using JsonDocument table = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BuiltInRoles.json")));
        return table.RootElement.GetProperty("roles").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("name").GetString()!);
    }
}
