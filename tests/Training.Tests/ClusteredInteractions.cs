using Recsys.Preparation;
using Recsys.Recommenders;

namespace Recsys.Training.Tests;

/// <summary>
/// Two taste groups for learning tests: users 1..U take <paramref name="itemsPerUser"/> random items of
/// 1..I, users U+1..2U of I+1..2I. A model that learns anything ranks the user's own group first.
/// </summary>
internal static class ClusteredInteractions
{
    public static InteractionMatrix Create(int usersPerCluster, int itemsPerCluster, int itemsPerUser, int seed)
    {
        var random = new Random(seed);
        var rows = new List<(int User, int Item)>();
        for (int u = 1; u <= 2 * usersPerCluster; u++)
        {
            int first = u <= usersPerCluster ? 1 : itemsPerCluster + 1;
            foreach (int item in Enumerable.Range(first, itemsPerCluster).OrderBy(_ => random.Next()).Take(itemsPerUser))
            {
                rows.Add((u, item));
            }
        }

        var split = new PreparedSplit([.. rows.Select(r => r.User)], [.. rows.Select(r => r.Item)], [.. rows.Select(_ => 1f)], new long[rows.Count]);
        return InteractionMatrix.FromSplit(split, (2 * usersPerCluster) + 1, (2 * itemsPerCluster) + 1);
    }
}
