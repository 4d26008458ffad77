namespace Recsys.Preparation;

/// <summary>What prepare produced: the content hash, whether an earlier identical result was reused, and where.</summary>
public sealed record PrepareResult(string ContentHash, bool Reused, string Location, PrepareStats Stats);
