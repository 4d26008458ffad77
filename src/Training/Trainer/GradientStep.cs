namespace Recsys.Training.Trainer;

/// <summary>One optimisation step shared by every trainer: backward, clip the global gradient norm, step.</summary>
internal static class GradientStep
{
    /// <summary>Applies <paramref name="loss"/> (gradients zeroed by the caller before the forward pass) and returns its value.</summary>
    public static float Apply(nn.Module model, optim.Optimizer optimizer, Tensor loss, double clipNorm)
    {
        loss.backward();
        if (clipNorm > 0)
        {
            nn.utils.clip_grad_norm_(model.parameters(), clipNorm);
        }

        optimizer.step();
        return loss.item<float>();
    }
}
