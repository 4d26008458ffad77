namespace Recsys.Cli;

/// <summary>The command cannot run as asked (a taken port, no storage to talk to): exit 2 with the message as its one line.</summary>
internal sealed class UsageException(string message) : Exception(message);
