using Recsys.Data;

namespace Recsys.Recommenders;

/// <summary>A registered model: its name, what it is, and how to make a fresh instance.</summary>
public sealed record ModelDescriptor(string Name, string Description, Func<IRecommender> Create);

/// <summary>
/// The models <c>recsys experiment</c> and <c>recsys train</c> know by name. Shared registers the classical
/// baselines; hosts add the neural models from the training library.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelDescriptor> _models = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<ModelDescriptor> All => _models.Values;

    public static ModelCatalog WithBaselines() => new ModelCatalog()
        .Add(new ModelDescriptor("random", "Seeded random scores: the floor.", () => new RandomRecommender()))
        .Add(new ModelDescriptor("pop", "Most popular items in training.", () => new PopularityRecommender()))
        .Add(new ModelDescriptor("itemknn", "Item-based kNN, cosine similarity with shrinkage (100 neighbours, shrink 10).", () => new ItemKnnRecommender()))
        .Add(new ModelDescriptor("ease", "EASE closed-form item-item model (λ = 500, up to 4,096 items).", () => new EaseRecommender()));

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
