using Microsoft.ML.OnnxRuntime;

namespace Recsys.Scoring;

/// <summary>Which ONNX Runtime execution provider a session runs on.</summary>
public enum ExecutionProvider
{
    Cpu,
    Cuda,
}

/// <summary>
/// Creates inference sessions on the CUDA execution provider when the loaded native runtime offers it, and on
/// the CPU otherwise. The CPU-only package still exposes the CUDA API but throws at run time, so the decision
/// is taken from the providers the runtime reports, never by trying.
/// </summary>
public static class OnnxSessionFactory
{
    public const string CudaProviderName = "CUDAExecutionProvider";

    public static ExecutionProvider SelectProvider(bool preferGpu = true, IReadOnlyCollection<string>? availableProviders = null)
    {
        availableProviders ??= OrtEnv.Instance().GetAvailableProviders();
        return preferGpu && availableProviders.Contains(CudaProviderName) ? ExecutionProvider.Cuda : ExecutionProvider.Cpu;
    }

    /// <summary>A session over <paramref name="model"/>; the caller owns and disposes it.</summary>
    public static InferenceSession Create(byte[] model, ExecutionProvider provider, int intraOpThreads = 0)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
        };
        if (provider == ExecutionProvider.Cuda)
        {
            options.AppendExecutionProvider_CUDA(0);
        }

        return new InferenceSession(model, options);
    }
}
