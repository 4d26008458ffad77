using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Recsys.Serving.Runtime;

/// <summary>
/// Loads the default model once the host has started, so the first request does not pay for it. Best effort and
/// off the start-up path: a host (the Functions worker has 60 s to connect) never waits on storage or a model
/// load, and a failure is logged, never fatal; the first request retries it.
/// </summary>
internal sealed class ServingWarmup(ServingHost serving, IOptions<ServingOptions> options, IHostApplicationLifetime lifetime, ILogger<ServingWarmup> logger) : IHostedService
{
    private Task _warming = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _warming = Task.Run(WarmAsync, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _warming.WaitAsync(cancellationToken);

    private async Task WarmAsync()
    {
        try
        {
            await serving.WarmAsync(options.Value, lifetime.ApplicationStopping);
            ServingLog.Warmed(logger, options.Value.DefaultModel, options.Value.DefaultAlias);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            ServingLog.WarmupFailed(logger, ex, options.Value.DefaultModel, options.Value.DefaultAlias);
        }
        catch (OperationCanceledException)
        {
            // stopping before the warm-up finished
        }
    }
}
