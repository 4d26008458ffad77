using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

public sealed class TorchSharpNativeTests
{
    [Fact]
    public void ForwardBackward_OnTheCpu_ComputesGradientsAndLowersTheLoss()
    {
        random.manual_seed(7);
        using var model = nn.Sequential(("hidden", nn.Linear(8, 16)), ("relu", nn.ReLU()), ("out", nn.Linear(16, 1)));
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.05);
        using Tensor x = randn(64, 8);
        using Tensor y = x.sum(1, keepdim: true);

        float first = 0;
        float last = 0;
        for (int step = 0; step < 50; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0)
            {
                first = last;
                Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
            }
        }

        Assert.True(last < first * 0.5, $"loss went from {first} to {last}");
    }

    [Fact]
    public void Choose_WithoutCudaOrWithoutPreference_FallsBackToTheCpu()
    {
        Assert.Equal(DeviceType.CPU, TrainingDevice.Choose(preferCuda: true, cudaAvailable: () => false));
        Assert.Equal(DeviceType.CPU, TrainingDevice.Choose(preferCuda: false, cudaAvailable: () => true));
        Assert.Equal(DeviceType.CUDA, TrainingDevice.Choose(preferCuda: true, cudaAvailable: () => true));
    }

    [Fact]
    public void Select_OnThisMachine_MatchesWhatLibTorchReports() =>
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, TrainingDevice.Select().type);
}
