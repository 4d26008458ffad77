using static TorchSharp.torch;

namespace Recsys.Training.Trainer;

/// <summary>Pair-wise ranking losses over (positive, negative) score pairs.</summary>
internal static class PairwiseLoss
{
    /// <summary>BPR: −mean(log σ(s⁺ − s⁻)) (Rendle et al., 2009).</summary>
    public static Tensor Bpr(Tensor positive, Tensor negative) => -nn.functional.logsigmoid(positive - negative).mean();
}
