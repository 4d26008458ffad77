namespace Recsys.Serving.Runtime;

/// <summary>
/// One user's scoring input in vocabulary indices: the user, their history (oldest first) and the candidates;
/// for a model that reads text, optionally each candidate's text vector (candidates × the model's text width,
/// zero rows for catalogue items; empty: all zero).
/// </summary>
public readonly record struct ScoringQuery(int User, ReadOnlyMemory<int> History, ReadOnlyMemory<int> Candidates, ReadOnlyMemory<float> CandidateText = default);
