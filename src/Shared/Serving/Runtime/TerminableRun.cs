using Microsoft.ML.OnnxRuntime;

namespace Recsys.Serving.Runtime;

/// <summary>
/// A session run that its caller's token can end: cancelling sets the terminate flag of the run's options, which ends
/// that run only, so the options must belong to this run alone (options shared between concurrent calls would end
/// every run in flight). The flag is cleared afterwards, so options a thread keeps serve its next run.
/// </summary>
internal static class TerminableRun
{
    public static void Run(
        InferenceSession session, RunOptions options, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using CancellationTokenRegistration terminate = cancellationToken.CanBeCanceled
                ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, options)
                : default;
            session.Run(options, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The scoring run was terminated.", ex, cancellationToken);
        }
        finally
        {
            // The registration is gone by now (its Dispose waits for a callback in flight), so nothing sets it again.
            if (options.Terminate)
            {
                options.Terminate = false;
            }
        }
    }
}
