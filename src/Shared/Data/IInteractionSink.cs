namespace Recsys.Data;

/// <summary>Receives what a reader parses: accepted interactions and rejected rows with their reason.</summary>
internal interface IInteractionSink
{
    void Accept(ReadOnlySpan<char> userId, ReadOnlySpan<char> itemId, float rating, long timestamp);

    void Reject(string file, long line, RejectReason reason, ReadOnlySpan<byte> raw);
}
