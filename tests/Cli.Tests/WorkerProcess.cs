using System.Diagnostics;
using System.Text;
using Recsys.Testing;

namespace Recsys.Cli.Tests;

/// <summary>
/// <c>recsys worker</c> as a child process whose output can be awaited line by line: tests wait on what the worker
/// says (a stage starting, the process exiting), not on fixed sleeps. Disposing kills the whole process tree.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiting = [];

    public WorkerProcess(StringBuilder log, IEnumerable<string> arguments)
    {
        _log = log;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "recsys.dll"));
        foreach (string arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything every worker of the test said so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The first line (from now on, or already said) that matches; fails if the worker exits first or the scaled limit passes.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan limit, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_log)
        {
            if (_lines.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            _waiting.Add((match, seen));
        }

        Task exited = _process.WaitForExitAsync(cancellationToken);
        Task first = await Task.WhenAny(seen.Task, exited, Task.Delay(TestLimits.Scaled(limit), cancellationToken));
        if (first == seen.Task)
        {
            return await seen.Task;
        }

        throw new Xunit.Sdk.XunitException(first == exited
            ? $"the worker exited (code {_process.ExitCode}) before {what}; it said:\n{Log}"
            : $"{what} did not happen within {TestLimits.Scaled(limit)} (x{TestLimits.Factor}); the worker said:\n{Log}");
    }

    /// <summary>Waits for the worker to exit on its own; fails with its output if the scaled limit passes first.</summary>
    public async Task<int> WaitForExitAsync(string what, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestLimits.Scaled(limit));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{what} did not happen within {TestLimits.Scaled(limit)} (x{TestLimits.Factor}); the worker said:\n{Log}");
        }
    }

    /// <summary>SIGKILL to the whole tree, as a crash would, and wait until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            _lines.Add(line);
            for (int i = _waiting.Count - 1; i >= 0; i--)
            {
                if (_waiting[i].Match(line))
                {
                    _waiting[i].Seen.TrySetResult(line);
                    _waiting.RemoveAt(i);
                }
            }
        }
    }
}
