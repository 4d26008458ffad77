namespace Recsys.Serving.Ranking;

/// <summary>There is no fusion profile by that name.</summary>
public sealed class UnknownProfileException(string name, Exception? innerException = null)
    : RefusalException($"There is no profile '{name}'.", innerException);

/// <summary>The stored fusion profile cannot be read.</summary>
public sealed class InvalidProfileException(string name, string reason, Exception? innerException = null)
    : RefusalException($"Profile '{name}' is invalid: {reason}", innerException);
