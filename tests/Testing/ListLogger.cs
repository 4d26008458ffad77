using Microsoft.Extensions.Logging;

namespace Recsys.Testing;

/// <summary>Keeps the formatted lines a component logs, for tests that assert what an operator would read.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<string> _lines = [];
    private readonly List<LogLevel> _levels = [];

    /// <summary>The lines logged at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<string> AtLeast(LogLevel level)
    {
        lock (_lines)
        {
            return [.. _lines.Where((_, i) => _levels[i] >= level)];
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add(formatter(state, exception));
            _levels.Add(logLevel);
        }
    }
}
