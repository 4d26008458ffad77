namespace Recsys;

/// <summary>
/// An operation refused for a reason its caller can act on: an unknown or invalid name, a conflict, a model that
/// cannot be loaded. The message is one sentence for a person. Domain code throws the subclasses; each host
/// decides what they become (the HTTP surface a problem type, the CLI a one-line error).
/// </summary>
public abstract class RefusalException(string message, Exception? innerException = null) : Exception(message, innerException);
