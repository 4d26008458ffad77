namespace Recsys.Serving.Runtime;

/// <summary>One user's scoring input in vocabulary indices: the user, their history (oldest first) and the candidates.</summary>
public readonly record struct ScoringQuery(int User, ReadOnlyMemory<int> History, ReadOnlyMemory<int> Candidates);
