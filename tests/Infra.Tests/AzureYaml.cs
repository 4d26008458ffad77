namespace Recsys.Infra.Tests;

/// <summary>The service names in azure.yaml (the keys under <c>services:</c>), which azd finds apps by.</summary>
internal static class AzureYaml
{
    public static IEnumerable<string> Services()
    {
        bool inServices = false;
        foreach (string line in File.ReadAllLines(Path.Combine(Repository.Root, "azure.yaml")))
        {
            if (!line.StartsWith(' ') && line.Length > 0)
            {
                inServices = line.TrimEnd() == "services:";
            }
            else if (inServices && line.Length > 2 && line[2] != ' ' && line.TrimEnd().EndsWith(':'))
            {
                yield return line.Trim().TrimEnd(':');
            }
        }
    }
}
