using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Recsys.Models;

namespace Recsys.Serving.Runtime;

/// <summary>
/// One loaded model version: an ONNX Runtime session plus the vocabularies and item vectors from its package.
/// Thread-safe; inputs are built in pooled arrays wrapped as <see cref="OrtValue"/>s, so scoring allocates
/// nothing per candidate.
/// </summary>
public sealed class ScoringModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly IdLookup _items;
    private readonly IdLookup _users;
    private readonly string[] _itemIds;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _itemCount;
    private readonly int _historyLength;
    private readonly int _padIndex;
    private readonly PairBindings? _pairs;

    private ScoringModel(ModelPackage package, InferenceSession session, ExecutionProvider provider)
    {
        ModelManifest manifest = package.Manifest;
        _session = session;
        Manifest = manifest;
        Provider = provider;
        Layout = InputLayouts.Detect(manifest);
        _itemIds = ["", .. package.ItemIds];
        _items = IdLookup.Build(package.ItemIds);
        _users = IdLookup.Build(package.UserIds);
        _itemCount = manifest.Features.Items.Size;
        ItemGenres = ["", .. package.ItemGenres];
        ItemEmbeddings = package.ItemEmbeddings;
        EmbeddingDimensions = manifest.ItemEmbeddings?.Dimensions ?? 0;
        _inputNames = Layout switch
        {
            InputLayout.Pairs => [InputLayouts.UserInput, InputLayouts.ItemInput],
            InputLayout.PairsWithText => [InputLayouts.UserInput, InputLayouts.ItemInput, InputLayouts.TextInput],
            _ => [manifest.Inputs[0].Name],
        };
        TextDimensions = Layout == InputLayout.PairsWithText ? TextWidth(manifest) : 0;
        _outputNames = [manifest.Outputs[0].Name];
        _pairs = Layout == InputLayout.Pairs ? new PairBindings(session, _inputNames, _outputNames) : null;
        _historyLength = Layout == InputLayout.Sequence ? SequenceLength(manifest) : 0;
        _padIndex = manifest.Features.History.PadIndex;
        SizeBytes = package.Onnx.Length + (package.ItemEmbeddings?.Length ?? 0) * sizeof(float) + (package.ItemIds.Length + package.UserIds.Length) * 64L;
        CheckGraphMatchesManifest();
    }

    public ModelManifest Manifest { get; }

    public string Name => Manifest.Name;

    public string Version => Manifest.Version;

    public InputLayout Layout { get; }

    public ExecutionProvider Provider { get; }

    /// <summary>Approximate resident size, for the registry's memory budget.</summary>
    public long SizeBytes { get; }

    /// <summary>Vocabulary size including index 0 (padding and unknown).</summary>
    public int ItemCount => _itemCount;

    public IReadOnlyList<string> ItemGenres { get; }

    /// <summary>Row-major [ItemCount, EmbeddingDimensions], or null when the model has none.</summary>
    public float[]? ItemEmbeddings { get; }

    public int EmbeddingDimensions { get; }

    /// <summary>Width of the item text vectors the graph reads; 0 when it reads none.</summary>
    public int TextDimensions { get; }

    /// <summary>Builds the session and checks the graph against the manifest; the package's problems surface here, not on first request.</summary>
    public static ScoringModel Load(ModelPackage package, ExecutionProvider provider, int intraOpThreads = 0, bool intraOpSpinning = true)
    {
        InferenceSession session;
        try
        {
            session = OnnxSessionFactory.Create(package.Onnx, provider, intraOpThreads, intraOpSpinning);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"{ModelManifest.ModelFile} does not load: {ex.Message}", ex);
        }

        try
        {
            var model = new ScoringModel(package, session, provider);
            model.WarmUp();
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Vocabulary index of an item id; the unknown index (0) when the model never saw it.</summary>
    public int ItemIndex(string id) => KnownItem(_items.IndexOf(id));

    /// <summary>The same, from the id's UTF-8 bytes (valid UTF-8, as a request body holds them), with no string made.</summary>
    public int ItemIndex(ReadOnlySpan<byte> utf8) => KnownItem(_items.IndexOf(utf8));

    /// <summary>Whether every item id is a canonical number, so <see cref="ItemIndex(int)"/> answers for any id.</summary>
    public bool NumericItemIds => _items.Numeric;

    /// <summary>The same for the id spelled as <paramref name="number"/> in canonical decimal; only when <see cref="NumericItemIds"/>.</summary>
    public int ItemIndex(int number) => KnownItem(_items.IndexOf(number));

    public int UserIndex(string? id) => id is not null && _users.IndexOf(id) is > 0 and var index ? index : Manifest.Features.Users.UnknownIndex;

    public string ItemId(int index) => _itemIds[index];

    private int KnownItem(int index) => index > 0 ? index : Manifest.Features.Items.UnknownIndex;

    /// <summary>
    /// Scores every query's candidates in one session run; <paramref name="scores"/> receives them in order,
    /// query after query (its length is the total candidate count). Cancelling <paramref name="cancellationToken"/>
    /// terminates this run (and only this one) and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public void Score(ReadOnlySpan<ScoringQuery> queries, Span<float> scores, CancellationToken cancellationToken = default)
    {
        if (Layout is InputLayout.Pairs or InputLayout.PairsWithText)
        {
            ScorePairs(queries, scores, cancellationToken);
            return;
        }

        int batch = queries.Length;
        float[] all = ArrayPool<float>.Shared.Rent(batch * _itemCount);
        try
        {
            ScoreCatalogue(queries, all, cancellationToken);
            int offset = 0;
            for (int q = 0; q < batch; q++)
            {
                ReadOnlySpan<float> row = all.AsSpan(q * _itemCount, _itemCount);
                foreach (int item in queries[q].Candidates.Span)
                {
                    scores[offset++] = row[item];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(all);
        }
    }

    /// <summary>Batches concurrent <see cref="ScoreAsync"/> calls into shared runs; null scores each call in a run of its own.</summary>
    internal ScoringBatcher? Batcher { get; private set; }

    /// <summary>Turns on dynamic batching for this version (see <see cref="ServingOptions.DynamicBatching"/>).</summary>
    internal void BatchRequests(int maxRows, TimeSpan maxWait) => Batcher = new ScoringBatcher(this, maxRows, maxWait);

    /// <summary>
    /// Scores one query's candidates, in a run shared with concurrent callers when batching is on; the scores are
    /// the same either way.
    /// </summary>
    public ValueTask ScoreAsync(ScoringQuery query, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        if (Batcher is { } batcher)
        {
            return batcher.ScoreAsync(query, scores, cancellationToken);
        }

        Score([query], scores.Span, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <summary>Scores of every item index (0 included) for one user, for catalogue-wide top-k.</summary>
    public void ScoreAll(ScoringQuery query, Span<float> scores, CancellationToken cancellationToken = default)
    {
        if (Layout is InputLayout.Pairs or InputLayout.PairsWithText)
        {
            int[] every = ArrayPool<int>.Shared.Rent(_itemCount);
            try
            {
                for (int i = 0; i < _itemCount; i++)
                {
                    every[i] = i;
                }

                ScorePairs([query with { Candidates = every.AsMemory(0, _itemCount) }], scores[.._itemCount], cancellationToken);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(every);
            }

            return;
        }

        float[] all = ArrayPool<float>.Shared.Rent(_itemCount);
        try
        {
            ScoreCatalogue([query], all, cancellationToken);
            all.AsSpan(0, _itemCount).CopyTo(scores);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(all);
        }
    }

    public void Dispose()
    {
        _pairs?.Dispose();
        _session.Dispose();
    }

    /// <summary>One session run with options of its own, ended by <paramref name="cancellationToken"/> (see <see cref="TerminableRun"/>).</summary>
    private void Run(IReadOnlyCollection<OrtValue> inputs, OrtValue output, CancellationToken cancellationToken)
    {
        using var options = new RunOptions();
        TerminableRun.Run(_session, options, _inputNames, inputs, _outputNames, [output], cancellationToken);
    }

    private void ScorePairs(ReadOnlySpan<ScoringQuery> queries, Span<float> scores, CancellationToken cancellationToken)
    {
        int total = 0;
        foreach (ScoringQuery query in queries)
        {
            total += query.Candidates.Length;
        }

        if (_pairs is not null)
        {
            PairBindings.Binding binding = _pairs.For(total);
            FillPairs(queries, binding.Users, binding.Items);
            binding.Run(cancellationToken);
            binding.Scores.AsSpan(0, total).CopyTo(scores);
            return;
        }

        long[] users = ArrayPool<long>.Shared.Rent(total);
        long[] items = ArrayPool<long>.Shared.Rent(total);
        float[] output = ArrayPool<float>.Shared.Rent(total);
        int width = TextDimensions;
        float[] text = ArrayPool<float>.Shared.Rent(total * width);
        try
        {
            FillPairs(queries, users, items);
            int offset = 0;
            foreach (ScoringQuery query in queries)
            {
                Span<float> rows = text.AsSpan(offset * width, query.Candidates.Length * width);
                if (query.CandidateText.Length == rows.Length)
                {
                    query.CandidateText.Span.CopyTo(rows);
                }
                else
                {
                    rows.Clear();
                }

                offset += query.Candidates.Length;
            }

            long[] shape = [total];
            using OrtValue user = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, users.AsMemory(0, total), shape);
            using OrtValue item = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, items.AsMemory(0, total), shape);
            using OrtValue score = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, total), shape);
            using OrtValue vectors = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, text.AsMemory(0, total * width), [total, width]);
            Run([user, item, vectors], score, cancellationToken);
            output.AsSpan(0, total).CopyTo(scores);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(users);
            ArrayPool<long>.Shared.Return(items);
            ArrayPool<float>.Shared.Return(output);
            ArrayPool<float>.Shared.Return(text);
        }
    }

    /// <summary>Each query's user beside each of its candidates, query after query: the pair graph's two inputs.</summary>
    private static void FillPairs(ReadOnlySpan<ScoringQuery> queries, Span<long> users, Span<long> items)
    {
        int offset = 0;
        foreach (ScoringQuery query in queries)
        {
            ReadOnlySpan<int> candidates = query.Candidates.Span;
            users.Slice(offset, candidates.Length).Fill(query.User);
            Span<long> row = items.Slice(offset, candidates.Length);
            for (int i = 0; i < candidates.Length; i++)
            {
                row[i] = candidates[i];
            }

            offset += candidates.Length;
        }
    }

    /// <summary>Runs the catalogue-output graph for a batch of users into <paramref name="output"/> ([batch, ItemCount]).</summary>
    private void ScoreCatalogue(ReadOnlySpan<ScoringQuery> queries, float[] output, CancellationToken cancellationToken)
    {
        int batch = queries.Length;
        using OrtValue score = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, batch * _itemCount), [batch, _itemCount]);
        if (Layout == InputLayout.MultiHotHistory)
        {
            float[] history = ArrayPool<float>.Shared.Rent(batch * _itemCount);
            try
            {
                history.AsSpan(0, batch * _itemCount).Clear();
                for (int q = 0; q < batch; q++)
                {
                    foreach (int item in queries[q].History.Span)
                    {
                        if (item > 0 && item < _itemCount)
                        {
                            history[(q * _itemCount) + item] = 1f;
                        }
                    }
                }

                using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, history.AsMemory(0, batch * _itemCount), [batch, _itemCount]);
                Run([input], score, cancellationToken);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(history);
            }

            return;
        }

        int length = _historyLength;
        long[] sequences = ArrayPool<long>.Shared.Rent(batch * length);
        try
        {
            for (int q = 0; q < batch; q++)
            {
                // Latest items last, left-padded, exactly as the trainer built its sequences.
                ReadOnlySpan<int> history = queries[q].History.Span;
                if (history.Length > length)
                {
                    history = history[^length..];
                }

                Span<long> row = sequences.AsSpan(q * length, length);
                int pad = length - history.Length;
                row[..pad].Fill(_padIndex);
                for (int i = 0; i < history.Length; i++)
                {
                    row[pad + i] = history[i];
                }
            }

            using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, sequences.AsMemory(0, batch * length), [batch, length]);
            Run([input], score, cancellationToken);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(sequences);
        }
    }

    private void WarmUp()
    {
        int[] candidates = [.. Enumerable.Range(1, Math.Min(8, _itemCount - 1))];
        Span<float> scores = stackalloc float[candidates.Length];
        Score([new ScoringQuery(UserIndex(null), candidates.AsMemory(0, Math.Min(2, candidates.Length)), candidates)], scores);
    }

    private void CheckGraphMatchesManifest()
    {
        foreach (TensorSpec input in Manifest.Inputs)
        {
            if (!_session.InputMetadata.TryGetValue(input.Name, out NodeMetadata? node))
            {
                throw new ModelLoadException($"The manifest names input '{input.Name}', which the graph does not have.");
            }

            Type expected = input.ElementType == "int64" ? typeof(long) : typeof(float);
            if (node.ElementType != expected || node.Dimensions.Length != input.Shape.Count)
            {
                throw new ModelLoadException($"Input '{input.Name}' is {node.ElementType.Name}[{node.Dimensions.Length}] in the graph but {input.ElementType}[{input.Shape.Count}] in the manifest.");
            }
        }

        if (!_session.OutputMetadata.ContainsKey(_outputNames[0]))
        {
            throw new ModelLoadException($"The manifest names output '{_outputNames[0]}', which the graph does not have.");
        }

        if (Layout is not (InputLayout.Pairs or InputLayout.PairsWithText) && _session.OutputMetadata[_outputNames[0]].Dimensions[^1] != _itemCount)
        {
            throw new ModelLoadException($"The graph scores {_session.OutputMetadata[_outputNames[0]].Dimensions[^1]} items but the vocabulary has {_itemCount}.");
        }

        if (ItemEmbeddings is not null && Manifest.ItemEmbeddings!.Count != _itemCount)
        {
            throw new ModelLoadException($"Item embeddings cover {Manifest.ItemEmbeddings.Count} items but the vocabulary has {_itemCount}.");
        }
    }

    // A new item's text must be encoded by the encoder the model was trained on; this host carries one.
    private static int TextWidth(ModelManifest manifest)
    {
        if (manifest.TextEncoder != Text.MiniLmEncoder.Qualified)
        {
            throw new ModelLoadException(
                $"The model reads item text encoded by {manifest.TextEncoder ?? "an unnamed encoder"}; this host encodes with {Text.MiniLmEncoder.Qualified}.");
        }

        TensorSpec input = manifest.Inputs.First(i => i.Name == InputLayouts.TextInput);
        return int.TryParse(input.Shape[1], System.Globalization.CultureInfo.InvariantCulture, out int width) && width == Text.MiniLmEncoder.Dimensions
            ? width
            : throw new ModelLoadException($"Input '{input.Name}' is {input.Shape[1]} wide; {Text.MiniLmEncoder.ModelName} vectors are {Text.MiniLmEncoder.Dimensions}.");
    }

    private static int SequenceLength(ModelManifest manifest) =>
        int.TryParse(manifest.Inputs[0].Shape[1], System.Globalization.CultureInfo.InvariantCulture, out int length) && length > 0
            ? length
            : throw new ModelLoadException($"Sequence input '{manifest.Inputs[0].Name}' has no fixed length.");
}
