using Recsys.Data;

namespace Recsys.Recommenders;

/// <summary>
/// A registered model: its name, what it is, how to make a fresh instance with its defaults, and optionally
/// a grid of hyperparameter settings that <c>--tune</c> chooses from on validation data.
/// </summary>
public sealed record ModelDescriptor(string Name, string Description, Func<IRecommender> Create)
{
    public IReadOnlyList<ModelSetting> Grid { get; init; } = [];

    /// <summary>
    /// A search of the model's own for <c>--tune</c>, used instead of fitting each <see cref="Grid"/> setting
    /// afresh where the settings can share one fit. It gets the fitting rows and the validation score of a
    /// fitted model, and returns every setting's score and the best setting.
    /// </summary>
    public Func<InteractionMatrix, Func<IRecommender, double>, CancellationToken, SettingSearch>? Search { get; init; }

    public bool IsTunable => Grid.Count > 0 || Search is not null;

    /// <summary>A fusion profile's member models, by catalogue name; none for a model of its own.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Learns from item content: an experiment hands each instance it fits, tuning ones included, the items' content.</summary>
    public bool UsesContent { get; init; }

    /// <summary>Reads the items' sentence-encoder vectors: an experiment encodes them after preparing.</summary>
    public bool UsesTextVectors { get; init; }
}

/// <summary>What a search found: the best setting, and each setting's validation score by its label.</summary>
public sealed record SettingSearch(ModelSetting Best, IReadOnlyDictionary<string, double> Trials);

/// <summary>One hyperparameter setting of a model, labelled for reports (e.g. "lambda=500").</summary>
public sealed record ModelSetting(string Label, Func<IRecommender> Create);

/// <summary>
/// The models <c>recsys experiment</c> and <c>recsys train</c> know by name. Shared registers the classical
/// baselines; hosts add the neural models from the training library.
/// </summary>
public sealed class ModelCatalog
{
    // Tuning grids for --tune; the defaults above were fixed before any evaluation on test data.
    private static readonly int[] s_neighbours = [50, 100, 200, 400];
    private static readonly float[] s_shrinks = [0, 10, 100];
    private static readonly float[] s_lambdas = [50, 100, 200, 500, 1000, 2000];

    private readonly Dictionary<string, ModelDescriptor> _models = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<ModelDescriptor> All => _models.Values;

    public static ModelCatalog WithBaselines() => new ModelCatalog()
        .Add(new ModelDescriptor("random", "Seeded random scores: the floor.", () => new RandomRecommender()))
        .Add(new ModelDescriptor("pop", "Most popular items in training.", () => new PopularityRecommender()))
        .Add(new ModelDescriptor("itemknn", "Item-based kNN, cosine similarity with shrinkage (100 neighbours, shrink 10).", () => new ItemKnnRecommender())
        {
            Grid = [.. from n in s_neighbours from s in s_shrinks
                       select new ModelSetting($"neighbours={n},shrink={s}", () => new ItemKnnRecommender(n, s))],
        })
        .Add(Ease(ManagedGramInverter.Instance));

    /// <summary>EASE with its λ grid, inverting through <paramref name="inverter"/> (which sets its item cap).</summary>
    public static ModelDescriptor Ease(IGramInverter inverter) =>
        new("ease", $"EASE closed-form item-item model (λ = 500, up to {inverter.MaxItems:N0} items).", () => new EaseRecommender(inverter: inverter))
        {
            Grid = [.. s_lambdas.Select(l => new ModelSetting($"lambda={l}", () => new EaseRecommender(l, inverter: inverter)))],
        };

    public ModelCatalog Add(ModelDescriptor model)
    {
        _models[model.Name] = model;
        return this;
    }

    /// <summary>Resolves a comma-separated list; <c>all</c> selects every registered model.</summary>
    public IReadOnlyList<ModelDescriptor> Resolve(string names)
    {
        string[] requested = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (requested.Length == 0)
        {
            throw new DatasetException("--models: name at least one model.");
        }

        if (requested.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase)))
        {
            return [.. _models.Values];
        }

        return [.. requested.Distinct(StringComparer.OrdinalIgnoreCase).Select(n => _models.TryGetValue(n, out ModelDescriptor? m)
            ? m
            : throw new DatasetException($"Unknown model '{n}'. Known models: {string.Join(", ", _models.Keys.Order(StringComparer.Ordinal))}, all."))];
    }
}
