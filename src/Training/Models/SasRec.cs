using TorchSharp.Modules;

namespace Recsys.Training.Models;

/// <summary>
/// A SASRec-style sequential recommender (Kang and McAuley, ICDM 2018): item + position embeddings, a stack of
/// causal self-attention blocks (pre-layer-norm, residual, feed-forward), and the next item scored as the
/// dot product of the last hidden state with the item embeddings. Width, depth, heads and sequence length
/// are configuration; this is the system's "large model". Trained with a full or a sampled softmax over the catalogue.
/// </summary>
internal sealed class SasRec : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _items;
    private readonly Embedding _positions;
    private readonly ModuleList<CausalSelfAttentionBlock> _blocks;
    private readonly LayerNorm _final;
    private readonly SeededDropout _dropout;

    public SasRec(int items, SasRecShape shape, int seed)
        : base(nameof(SasRec))
    {
        Shape = shape;
        _items = nn.Embedding(items, shape.Dimensions, padding_idx: 0);
        _positions = nn.Embedding(shape.MaxLength, shape.Dimensions);
        _blocks = nn.ModuleList([.. Enumerable.Range(0, shape.Blocks).Select(_ => new CausalSelfAttentionBlock(shape.Dimensions, shape.Heads, shape.Dropout))]);
        _final = nn.LayerNorm(shape.Dimensions);
        _dropout = new SeededDropout(shape.Dropout);
        RegisterComponents();
        Initialise(seed);
    }

    public SasRecShape Shape { get; }

    public Tensor ItemWeights => _items.weight!;

    public Tensor PositionWeights => _positions.weight!;

    public IReadOnlyList<CausalSelfAttentionBlock> Blocks => [.. _blocks];

    public LayerNorm FinalNorm => _final;

    /// <summary>
    /// Hidden states [batch, length, d] for left-padded item sequences [batch, length] (0 = padding), with
    /// length ≤ <see cref="SasRecShape.MaxLength"/>. A shorter input is the right end of a full window: its last
    /// slot takes the last position, and padding is masked out of attention, so trimming a batch's common
    /// padding changes nothing but the work.
    /// </summary>
    public override Tensor forward(Tensor sequence)
    {
        using var scope = NewDisposeScope();
        // Scalars held to the end of the call: an implicitly converted one can be finalized while libtorch reads it.
        using Scalar embeddingScale = Math.Sqrt(Shape.Dimensions).ToScalar();
        using Scalar paddingItem = 0.ToScalar();
        long length = sequence.shape[1];
        Tensor positions = arange(Shape.MaxLength - length, Shape.MaxLength, dtype: int64, device: sequence.device).unsqueeze(0);
        Tensor x = _items.forward(sequence).mul(embeddingScale) + _positions.forward(positions);
        Tensor padding = sequence.eq(paddingItem);
        Tensor keep = padding.logical_not().unsqueeze(-1).to(x.dtype);
        x = _dropout.forward(x) * keep;
        // True where a position may not look: later positions, and padding. [batch, 1, length, length]
        Tensor future = ones(length, length, dtype: @bool, device: sequence.device).triu(1);
        Tensor blocked = future.unsqueeze(0).logical_or(padding.unsqueeze(1)).unsqueeze(1);
        foreach (CausalSelfAttentionBlock block in _blocks)
        {
            x = block.forward(x, blocked) * keep;
        }

        return _final.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Seeded initialisation of every weight (the process-wide generator would make runs differ).</summary>
    private void Initialise(int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed, CPU);
        foreach (var (name, parameter) in named_parameters())
        {
            if (parameter.dim() == 2)
            {
                SeededInit.Normal(parameter, 0.02, generator);
            }
            else if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                using var noGrad = no_grad();
                parameter.zero_();
            }
        }

        using (no_grad())
        {
            _items.weight![0].zero_();
        }
    }
}

/// <summary>The size of a SASRec model.</summary>
internal sealed record SasRecShape(int Dimensions = 64, int MaxLength = 50, int Blocks = 2, int Heads = 1, double Dropout = 0.2);

/// <summary>Pre-norm causal multi-head self-attention followed by a position-wise feed-forward layer, both residual.</summary>
internal sealed class CausalSelfAttentionBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm _attentionNorm;
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _output;
    private readonly LayerNorm _feedForwardNorm;
    private readonly Linear _expand;
    private readonly Linear _contract;
    private readonly SeededDropout _dropout;
    private readonly int _heads;

    public int Heads => _heads;

    /// <summary>The block's layers in forward order, for the exporter.</summary>
    public (LayerNorm AttentionNorm, Linear Query, Linear Key, Linear Value, Linear Output, LayerNorm FeedForwardNorm, Linear Expand, Linear Contract) Layers =>
        (_attentionNorm, _query, _key, _value, _output, _feedForwardNorm, _expand, _contract);

    public CausalSelfAttentionBlock(int dimensions, int heads, double dropout)
        : base(nameof(CausalSelfAttentionBlock))
    {
        if (dimensions % heads != 0)
        {
            throw new ArgumentException($"Width {dimensions} is not divisible by {heads} heads.", nameof(heads));
        }

        _heads = heads;
        _attentionNorm = nn.LayerNorm(dimensions);
        _query = nn.Linear(dimensions, dimensions);
        _key = nn.Linear(dimensions, dimensions);
        _value = nn.Linear(dimensions, dimensions);
        _output = nn.Linear(dimensions, dimensions);
        _feedForwardNorm = nn.LayerNorm(dimensions);
        _expand = nn.Linear(dimensions, dimensions);
        _contract = nn.Linear(dimensions, dimensions);
        _dropout = new SeededDropout(dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor blocked)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0];
        long length = x.shape[1];
        long width = x.shape[2];
        long headWidth = width / _heads;
        using Scalar scale = Math.Sqrt(headWidth).ToScalar();
        using Scalar blockedScore = (-1e9).ToScalar();

        Tensor h = _attentionNorm.forward(x);
        Tensor Split(Linear projection) => projection.forward(h).view(batch, length, _heads, headWidth).transpose(1, 2);
        Tensor q = Split(_query);
        Tensor k = Split(_key);
        Tensor v = Split(_value);
        Tensor scores = q.matmul(k.transpose(-2, -1)).div(scale);
        Tensor weights = _dropout.forward(nn.functional.softmax(scores.masked_fill(blocked, blockedScore), -1));
        Tensor attended = weights.matmul(v).transpose(1, 2).reshape(batch, length, width);
        x = x + _dropout.forward(_output.forward(attended));

        Tensor f = _contract.forward(_dropout.forward(nn.functional.relu(_expand.forward(_feedForwardNorm.forward(x)))));
        return (x + _dropout.forward(f)).MoveToOuterDisposeScope();
    }
}
