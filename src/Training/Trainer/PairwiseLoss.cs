namespace Recsys.Training.Trainer;

/// <summary>Pair-wise ranking losses over (positive, negative) score pairs.</summary>
internal static class PairwiseLoss
{
    /// <summary>
    /// RankNet (Burges et al., 2005): cross-entropy between P(i ≻ j) = σ(sᵢ − sⱼ) and the target probability
    /// (1 when i is graded higher, 0 when lower, ½ when equal). With every target 1 it is BPR, −mean(log σ(s⁺ − s⁻))
    /// (Rendle et al., 2009).
    /// </summary>
    public static Tensor RankNet(Tensor first, Tensor second, Tensor target) =>
        nn.functional.binary_cross_entropy_with_logits(first - second, target);
}
