namespace Recsys.Training.Models;

/// <summary>
/// Inverted dropout whose masks come from the generator the trainer hands it for the epoch. nn.Dropout draws
/// from the process-wide generator, which nothing seeds, so two fits with one training seed differed.
/// Identity outside training.
/// </summary>
internal sealed class SeededDropout(double rate) : nn.Module<Tensor, Tensor>(nameof(SeededDropout))
{
    private Generator? _generator;

    /// <summary>
    /// Hands <paramref name="generator"/> to every seeded dropout inside <paramref name="model"/> until the result
    /// is disposed: a trainer draws each epoch's masks from that epoch's generator.
    /// </summary>
    public static IDisposable DrawFrom(nn.Module model, Generator generator)
    {
        SeededDropout[] layers = [.. model.modules().OfType<SeededDropout>()];
        foreach (SeededDropout layer in layers)
        {
            layer._generator = generator;
        }

        return new Release(layers);
    }

    public override Tensor forward(Tensor x)
    {
        if (!training || rate <= 0)
        {
            return x;
        }

        Generator generator = _generator ?? throw new InvalidOperationException("Dropout in training needs the trainer's generator for the epoch.");
        using var scope = NewDisposeScope();
        // Held to the end of the call: an implicitly converted scalar can be finalized while libtorch reads it.
        using Scalar dropped = rate.ToScalar();
        using Scalar keepRate = (1 - rate).ToScalar();
        Tensor keep = rand(x.shape, generator: generator).ge(dropped).to(x.dtype).to(x.device).div(keepRate);
        return (x * keep).MoveToOuterDisposeScope();
    }

    private sealed class Release(SeededDropout[] layers) : IDisposable
    {
        public void Dispose()
        {
            foreach (SeededDropout layer in layers)
            {
                layer._generator = null;
            }
        }
    }
}
