using Recsys.Local;

namespace Recsys.Testing;

/// <summary>Where the test datasets live: the bundled sample in the repository, and ../shared/data beside it.</summary>
public static class TestData
{
    public static string RepositoryRoot { get; } = Local.RepositoryRoot.Find() ?? throw new InvalidOperationException("Repository root not found.");

    public static string SampleMovieLensLatest => Path.Combine(RepositoryRoot, "data", "sample", "ml-latest-small");

    /// <summary>MovieLens 100K: internal test data beside the repository, never committed (its licence forbids redistribution).</summary>
    public static string MovieLens100K => Path.Combine(SharedData, "ml-100k");

    public static string SharedData
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("RECSYS_SHARED_DATA");
            return !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
        }
    }
}
