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
        catch (Exception ex) when (ex is DatasetException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return RecsysCli.BadInput;
        }
        catch (global::Recsys.Serving.ProblemException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return RecsysCli.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return RecsysCli.Cancelled;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.GetType().Name}: {FirstLine(ex.Message)}");
            return RecsysCli.Failure;
        }
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
