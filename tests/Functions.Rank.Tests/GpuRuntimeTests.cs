using Microsoft.ML.OnnxRuntime;
using Recsys.Serving.Runtime;
using Xunit;

namespace Recsys.Functions.Rank.Tests;

/// <summary>The rank app ships ONNX Runtime's CUDA build; on a host without the CUDA libraries or a GPU it must score on the CPU.</summary>
public sealed class GpuRuntimeTests
{
    [Fact]
    public void TheGpuBuild_ListsCuda_ButOnAHostWithoutCuda_ScoresOnTheCpu()
    {
        Assert.Contains(OnnxSessionFactory.CudaProviderName, OrtEnv.Instance().GetAvailableProviders());
        bool cudaHost = File.Exists("/dev/nvidia0") || Environment.GetEnvironmentVariable("NVIDIA_VISIBLE_DEVICES") is { Length: > 0 };

        Assert.Equal(cudaHost ? ExecutionProvider.Cuda : ExecutionProvider.Cpu, OnnxSessionFactory.SelectProvider());
    }
}
