using Recsys.Serving.Contracts;

namespace Recsys.Serving.Http;

/// <summary>A rank body of the usual shape as a <see cref="RankRequest"/> (see <see cref="RankBody"/>), or null for the general deserialiser.</summary>
internal static class RankRequestReader
{
    public static RankRequest? TryRead(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        using RankBody? body = RankBody.TryRead(utf8, maxDepth);
        return body?.ToRequest(utf8);
    }
}
