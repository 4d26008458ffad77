namespace Recsys.Training.Models;

/// <summary>
/// Weight initialisation from a model's own generator. TorchSharp 0.107's <c>nn.init.normal_</c> ignores the
/// generator it is given and draws from the process-wide one; <c>randn</c> honours it.
/// </summary>
internal static class SeededInit
{
    public static void Normal(Tensor weight, double std, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Held to the end of the call: an implicitly converted scalar can be finalized while libtorch reads it.
        using Scalar scale = std.ToScalar();
        weight.copy_(randn(weight.shape, generator: generator).mul(scale));
    }
}
