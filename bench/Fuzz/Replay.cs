namespace Recsys.Fuzz;

/// <summary>Replays saved inputs (AFL's crashes/ and queue/ folders) and groups failures by their top frame.</summary>
internal static class Replay
{
    public static int Run(string target, string folder, string scratch)
    {
        var failures = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int count = 0;
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) == "README.txt")
            {
                continue;
            }

            count++;
            try
            {
                FuzzTargets.Run(target, File.ReadAllBytes(file), scratch);
            }
            catch (Exception ex)
            {
                string key = $"{ex.GetType().Name}: {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
                if (!failures.TryGetValue(key, out List<string>? files))
                {
                    failures[key] = files = [];
                }

                files.Add(file);
            }
        }

        Console.WriteLine($"{target}: {count} inputs, {failures.Count} distinct failures");
        foreach ((string key, List<string> files) in failures)
        {
            Console.WriteLine($"  {key}");
            Console.WriteLine($"    {files.Count} inputs, e.g. {files[0]}");
        }

        return failures.Count == 0 ? 0 : 1;
    }
}
