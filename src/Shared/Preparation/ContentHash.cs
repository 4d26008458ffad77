using System.Security.Cryptography;
using System.Text;
using Recsys.Data;

namespace Recsys.Preparation;

/// <summary>
/// The identity of a prepared dataset: SHA-256 over a format version, the canonical options and every input
/// file's name and bytes. Same inputs and options give the same hash, so an earlier result can be reused.
/// </summary>
internal static class ContentHash
{
    // Bump when the prepared output for the same inputs changes shape or content.
    private const string OutputVersion = "recsys-prepared/1";

    public static async Task<string> ComputeAsync(DatasetLayout layout, string canonicalOptions, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{OutputVersion}\n{canonicalOptions}\n"));
        byte[] buffer = new byte[1 << 20];
        foreach (string file in layout.Files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}\n{stream.Length}\n"));
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
