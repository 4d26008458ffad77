using System.Text.Json;
using System.Text.RegularExpressions;

namespace Recsys.Infra.Tests;

/// <summary>infra/main.bicep as ARM JSON (what `bicep build` writes and Azure deploys), with helpers to read it.</summary>
internal static partial class CompiledTemplate
{
    private static readonly Lazy<(string Json, string Errors)> Compiled = new(() =>
    {
        var (exit, output, error) = Bicep.Run("build", Bicep.Infra("main.bicep"), "--stdout");
        return exit == 0 ? (output, error) : throw new InvalidOperationException(error);
    });

    public static string Json => Compiled.Value.Json;

    public static string Errors => Compiled.Value.Errors;

    public static JsonElement Root { get; } = JsonDocument.Parse(Json).RootElement;

    /// <summary>A module's own template (the nested deployment named after its symbolic name in main.bicep).</summary>
    public static JsonElement Module(string symbolicName) => Root.GetProperty("resources").GetProperty(symbolicName).GetProperty("properties");

    /// <summary>Every resource of <paramref name="type"/> in a module's template, by symbolic name.</summary>
    /// <remarks>Templates with user-defined functions compile to an object keyed by symbolic name; others to an array (named by their name expression).</remarks>
    public static IEnumerable<(string Name, JsonElement Resource)> Resources(string module, string type)
    {
        JsonElement resources = Module(module).GetProperty("template").GetProperty("resources");
        IEnumerable<(string Name, JsonElement Resource)> all = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(r => (r.Name, r.Value))
            : resources.EnumerateArray().Select(r => (r.GetProperty("name").ToString(), r));
        return all.Where(r => r.Item2.GetProperty("type").GetString() == type);
    }

    /// <summary>A module parameter's expression as main.bicep passes it (the whole parameter when it is one expression).</summary>
    public static string Argument(string module, string parameter)
    {
        JsonElement argument = Module(module).GetProperty("parameters").GetProperty(parameter);
        return argument.ValueKind == JsonValueKind.Object ? argument.GetProperty("value").ToString() : argument.ToString();
    }

    /// <summary>The role assignments of the whole deployment as (identity, scope, role id), loops expanded.</summary>
    public static IEnumerable<(string Identity, string Scope, string RoleId)> RoleAssignments()
    {
        foreach (JsonProperty module in Root.GetProperty("resources").EnumerateObject().Where(m => m.Value.GetProperty("type").GetString() == "Microsoft.Resources/deployments"))
        {
            foreach (var (_, assignment) in Resources(module.Name, "Microsoft.Authorization/roleAssignments"))
            {
                string role = RoleId().Match(assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!) is { Success: true } m
                    ? m.Groups["id"].Value
                    : throw new InvalidOperationException($"{module.Name}: a roleDefinitionId that is not a literal built-in role id");
                foreach (string identity in Identities(module.Name, assignment.GetProperty("properties").GetProperty("principalId").GetString()!))
                {
                    foreach (string scope in Scopes(assignment.TryGetProperty("scope", out JsonElement s) ? s.GetString()! : ""))
                    {
                        yield return (identity, scope, role);
                    }
                }
            }
        }
    }

    private static IEnumerable<string> Identities(string module, string principal)
    {
        if (PrincipalParameter().Match(principal) is { Success: true } single)
        {
            return [single.Groups["who"].Value];
        }

        // principalIds[copyIndex()]: the identities main.bicep lists for the module.
        return principal.Contains("parameters('principalIds')", StringComparison.Ordinal)
            ? OutputPrincipal().Matches(Argument(module, "principalIds")).Select(m => m.Groups["who"].Value)
            : throw new InvalidOperationException($"{module}: unknown principal {principal}");
    }

    private static IEnumerable<string> Scopes(string scope)
    {
        Match resource = ResourceId().Match(scope);
        if (!resource.Success)
        {
            return [$"unscoped {scope}"];
        }

        string type = resource.Groups["type"].Value;
        // The child's name follows the account (and 'default' service) arguments.
        string child = Regex.Replace(resource.Groups["args"].Value, @"^parameters\('[^']+'\)(, 'default')?(, )?", "");
        IEnumerable<string> names = Literals(child);
        return type switch
        {
            "Microsoft.Storage/storageAccounts/blobServices/containers" => names.Select(n => $"container {n}"),
            "Microsoft.Storage/storageAccounts/tableServices/tables" => names.Select(n => $"table {n}"),
            "Microsoft.ServiceBus/namespaces/queues" => names.Select(n => $"queue {n}"),
            "Microsoft.Storage/storageAccounts" => ["host storage account"],
            "Microsoft.ServiceBus/namespaces" => ["Service Bus namespace"],
            "Microsoft.Insights/components" => ["Application Insights"],
            "Microsoft.ContainerRegistry/registries" => ["container registry"],
            _ => [type],
        };
    }

    /// <summary>'models' → models; createArray('a', 'b')[copyIndex()] → a, b; createArray('a', 'b')[1] → b.</summary>
    private static string[] Literals(string argument)
    {
        string[] all = [.. Regex.Matches(argument, "'([^']*)'").Select(m => m.Groups[1].Value)];
        Match index = Regex.Match(argument, @"\)\[(\d+)\]$");
        return index.Success ? [all[int.Parse(index.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]] : all;
    }

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft.Authorization/roleDefinitions', '(?<id>[0-9a-f-]{36})'\)\]$")]
    private static partial Regex RoleId();

    [GeneratedRegex(@"^\[parameters\('(?<who>rank|train|events)PrincipalId'\)\]$")]
    private static partial Regex PrincipalParameter();

    [GeneratedRegex(@"outputs\.(?<who>rank|train|events)PrincipalId")]
    private static partial Regex OutputPrincipal();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[^']+)', (?<args>.*)\)\]$")]
    private static partial Regex ResourceId();
}
