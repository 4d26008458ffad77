using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// Multinomial denoising autoencoder (Mult-DAE, Liang et al., WWW 2018): a user's item set, L2-normalised and
/// corrupted by dropout, is encoded to a tanh hidden layer and decoded to one logit per item; trained with a
/// full softmax over the catalogue, i.e. list-wise.
/// </summary>
internal sealed class MultDae : nn.Module<Tensor, Tensor>
{
    private readonly Linear _encoder;
    private readonly Linear _decoder;
    private readonly SeededDropout _dropout;

    public MultDae(int items, int hidden, double dropout, int seed)
        : base(nameof(MultDae))
    {
        _encoder = nn.Linear(items, hidden);
        _decoder = nn.Linear(hidden, items);
        _dropout = new SeededDropout(dropout);
        RegisterComponents();
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed, CPU);
        // Xavier-normal weights and small biases, as in the reference implementation.
        SeededInit.Normal(_encoder.weight!, Math.Sqrt(2.0 / (items + hidden)), generator);
        SeededInit.Normal(_decoder.weight!, Math.Sqrt(2.0 / (items + hidden)), generator);
        SeededInit.Normal(_encoder.bias!, 0.001, generator);
        SeededInit.Normal(_decoder.bias!, 0.001, generator);
    }

    public int Hidden => (int)_encoder.weight!.shape[0];

    public Tensor EncoderWeight => _encoder.weight!;

    public Tensor EncoderBias => _encoder.bias!;

    public Tensor DecoderWeight => _decoder.weight!;

    public Tensor DecoderBias => _decoder.bias!;

    /// <summary>
    /// Logits [batch, items] for item sets <paramref name="x"/> [batch, items] (0/1); in training the normalised
    /// input is corrupted by dropout.
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor h = _dropout.forward(nn.functional.normalize(x, p: 2, dim: 1));
        return _decoder.forward(tanh(_encoder.forward(h))).MoveToOuterDisposeScope();
    }
}
