using System.Globalization;
using System.Text;

namespace Recsys.Bench;

/// <summary>A MovieLens-shaped CSV: skewed item popularity, half-star ratings, increasing timestamps.</summary>
internal static class SyntheticRatings
{
    public static void Write(string path, long rows, int users, int items, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write("userId,movieId,rating,timestamp\n");
        long time = 1_000_000_000;
        for (long r = 0; r < rows; r++)
        {
            int user = 1 + random.Next(users);
            // Squaring a uniform draw skews towards low ids: a few popular items, a long tail.
            double u = random.NextDouble();
            int item = 1 + (int)(u * u * items);
            int halfStars = 1 + random.Next(10);
            time += random.Next(0, 3);
            writer.Write(user.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(item.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write((halfStars / 2.0).ToString("0.0", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(time.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }
}
