using Recsys.Data;

namespace Recsys.Cli;

/// <summary>Turns a command's failure into one line on stderr and its exit code.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(cancellationToken);
        }
        catch (Exception ex) when (ex is DatasetException or InvalidDataException or UsageException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return RecsysCli.BadInput;
        }
        catch (RefusalException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return RecsysCli.BadInput;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            // A bad setting (Serving:..., Pipeline:...): each failure names the setting and the rule.
            await Console.Error.WriteLineAsync($"error: {string.Join(" ", ex.Failures)}");
            return RecsysCli.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return RecsysCli.Cancelled;
        }
        catch (Exception ex) when (Operational(ex) is { } cause)
        {
            await Console.Error.WriteLineAsync($"error: {cause.GetType().Name}: {FirstLine(cause.Message)}");
            return RecsysCli.Failure;
        }
    }

    /// <summary>
    /// The environment's failure behind <paramref name="ex"/> (storage, files, network), if that is what it is.
    /// The storage SDK wraps its retried failures in an AggregateException; the first inner one names the cause.
    /// </summary>
    private static Exception? Operational(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Operational(aggregate.InnerExceptions[0]),
        Azure.RequestFailedException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException or HttpRequestException
            or Pipeline.StageTimeoutException => ex,
        _ => null,
    };

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
