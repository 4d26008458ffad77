using System.Numerics.Tensors;
using Recsys.Recommenders;

namespace Recsys.Training.Models;

/// <summary>
/// Mult-DAE scoring in managed memory: h = tanh(b₁ + Σ_{i∈u} W₁[:, i] / √|u|), score_j = b₂[j] + ⟨W₂[j, :], h⟩.
/// </summary>
internal sealed class MultDaeScorer : IRecommender
{
    private readonly float[] _encoderColumns; // [items, hidden]: column i of W₁ as a row
    private readonly float[] _encoderBias;
    private readonly float[] _decoder; // [items, hidden]
    private readonly float[] _decoderBias;
    private readonly int _hidden;
    private InteractionMatrix? _history;

    private MultDaeScorer(string name, float[] encoderColumns, float[] encoderBias, float[] decoder, float[] decoderBias, int hidden)
    {
        Name = name;
        _encoderColumns = encoderColumns;
        _encoderBias = encoderBias;
        _decoder = decoder;
        _decoderBias = decoderBias;
        _hidden = hidden;
    }

    public string Name { get; }

    public int Dimensions => _hidden;

    /// <summary>The decoder rows double as item embeddings for retrieval.</summary>
    public ReadOnlySpan<float> ItemEmbeddings => _decoder;

    /// <summary>Sets whose items are each user's input (the training interactions).</summary>
    public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default) => _history = train;

    public void Score(int user, Span<float> scores)
    {
        ReadOnlySpan<int> items = (_history ?? throw new InvalidOperationException("Fit first.")).ItemsOf(user);
        Span<float> h = stackalloc float[_hidden];
        h.Clear();
        foreach (int item in items)
        {
            TensorPrimitives.Add(h, _encoderColumns.AsSpan(item * _hidden, _hidden), h);
        }

        float scale = items.Length == 0 ? 0 : 1 / MathF.Sqrt(items.Length);
        TensorPrimitives.MultiplyAdd(h, scale, _encoderBias, h);
        TensorPrimitives.Tanh(h, h);
        for (int j = 0; j < scores.Length; j++)
        {
            scores[j] = _decoderBias[j] + TensorPrimitives.Dot(_decoder.AsSpan(j * _hidden, _hidden), h);
        }
    }

    public static MultDaeScorer From(string name, MultDae model, InteractionMatrix history)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        static float[] Copy(TorchSharp.torch.Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        var scorer = new MultDaeScorer(
            name, Copy(model.EncoderWeight.t()), Copy(model.EncoderBias), Copy(model.DecoderWeight), Copy(model.DecoderBias), model.Hidden);
        scorer.Fit(history);
        return scorer;
    }
}
