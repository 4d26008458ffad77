using Recsys.Serving.Runtime;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class OnnxSessionFactoryTests
{
    [Fact]
    public void SelectProvider_CudaListed_PicksCuda() =>
        Assert.Equal(ExecutionProvider.Cuda, OnnxSessionFactory.SelectProvider(true, ["CUDAExecutionProvider", "CPUExecutionProvider"]));

    [Fact]
    public void SelectProvider_CudaNotListed_FallsBackToCpu() =>
        Assert.Equal(ExecutionProvider.Cpu, OnnxSessionFactory.SelectProvider(true, ["CPUExecutionProvider"]));

    [Fact]
    public void SelectProvider_GpuNotPreferred_PicksCpuEvenWithCuda() =>
        Assert.Equal(ExecutionProvider.Cpu, OnnxSessionFactory.SelectProvider(false, ["CUDAExecutionProvider", "CPUExecutionProvider"]));

    [Fact]
    public void SelectProvider_OnTheCpuRuntimePackage_FallsBackToCpu() =>
        // The tests load the CPU package, whose native runtime offers no CUDA provider.
        Assert.Equal(ExecutionProvider.Cpu, OnnxSessionFactory.SelectProvider());
}
