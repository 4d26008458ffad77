using Microsoft.ML.OnnxRuntime;

namespace Recsys.Serving.Runtime;

/// <summary>Which ONNX Runtime execution provider a session runs on.</summary>
public enum ExecutionProvider
{
    Cpu,
    Cuda,
}

/// <summary>
/// Creates inference sessions on the CUDA execution provider when the loaded native runtime offers it and it loads,
/// and on the CPU otherwise. The CPU-only package still exposes the CUDA API but throws at run time, so the first
/// check is the providers the runtime reports. The GPU package reports CUDA even where the CUDA libraries or the
/// GPU are missing (a CPU host, a test machine), so the provider is also loaded once to see that it works.
/// </summary>
public static class OnnxSessionFactory
{
    public const string CudaProviderName = "CUDAExecutionProvider";

    private static readonly Lazy<bool> CudaLoads = new(() =>
    {
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(0);
            return true;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    });

    public static ExecutionProvider SelectProvider(bool preferGpu = true, IReadOnlyCollection<string>? availableProviders = null)
    {
        if (availableProviders is not null)
        {
            return preferGpu && availableProviders.Contains(CudaProviderName) ? ExecutionProvider.Cuda : ExecutionProvider.Cpu;
        }

        return preferGpu && OrtEnv.Instance().GetAvailableProviders().Contains(CudaProviderName) && CudaLoads.Value
            ? ExecutionProvider.Cuda
            : ExecutionProvider.Cpu;
    }

    /// <summary>A session over <paramref name="model"/>; the caller owns and disposes it.</summary>
    public static InferenceSession Create(byte[] model, ExecutionProvider provider, int intraOpThreads = 0, bool intraOpSpinning = true)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", intraOpSpinning ? "1" : "0");
        if (provider == ExecutionProvider.Cuda)
        {
            options.AppendExecutionProvider_CUDA(0);
        }

        return new InferenceSession(model, options);
    }
}
