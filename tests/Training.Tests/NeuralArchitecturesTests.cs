using Recsys.Recommenders;
using Xunit;

namespace Recsys.Training.Tests;

/// <summary>Each neural model is declared once, and every place that lists or trains models reads that declaration.</summary>
public sealed class NeuralArchitecturesTests
{
    [Fact]
    public void EveryArchitecture_IsWhatModelsListsTrainAcceptsAndThePipelineChecks()
    {
        string[] names = [.. NeuralArchitectures.All.Select(a => a.Name)];

        Assert.Equal(["bpr", "ranknet", "neumf", "dcn", "dcn-text", "content", "content-text", "text", "multdae", "sasrec", "ease", "itemknn"], names);
        Assert.Equal(names, TrainingRun.TrainableModels);
        ModelCatalog catalog = ModelCatalog.WithBaselines().WithTrainingModels();
        foreach (NeuralArchitecture architecture in NeuralArchitectures.All)
        {
            ModelDescriptor listed = Assert.Single(catalog.Resolve(architecture.Name));
            // A baseline keeps its own entry (and tuning grid) in experiments; the rest are listed as declared.
            if (architecture.Baseline)
            {
                Assert.NotEmpty(listed.Grid);
                Assert.IsNotType<NeuralRecommender>(listed.Create());
            }
            else
            {
                Assert.Equal(architecture.Description, listed.Description);
            }

            Assert.Equal(architecture.Defaults, NeuralDefaults.For(architecture.Name));
        }

        Assert.Equal(["ease", "itemknn"], NeuralArchitectures.All.Where(a => a.Baseline).Select(a => a.Name));
        // Experiments run EASE on libtorch's inverse, which takes five times the managed catalogue size.
        Assert.Contains("up to 20,000 items", Assert.Single(catalog.Resolve("ease")).Description);

        Assert.Equal(["content", "content-text", "dcn", "dcn-text", "text"], NeuralArchitectures.All.Where(a => a.UsesContent).Select(a => a.Name).Order());
        // The text models make an experiment encode item text, and a plan's prepare stage; the catalogue says so and
        // offers --tune the choice of text input (tokens, vectors, both), with the item content handed to each trial.
        string[] text = ["content-text", "dcn-text", "text"];
        Assert.Equal(text, catalog.All.Where(m => m.UsesTextVectors).Select(m => m.Name).Order());
        Assert.Equal(names, NeuralArchitectures.Trainable.Names);
        Assert.Equal(text, NeuralArchitectures.Trainable.ReadText.Order());
        foreach (ModelDescriptor model in catalog.All.Where(m => m.UsesTextVectors))
        {
            Assert.Equal(["text=tokens", "text=vectors", "text=both"], model.Grid.Select(s => s.Label));
            Assert.True(model.UsesContent);
        }
        Assert.Equal(["sasrec"], NeuralArchitectures.All.Where(a => a.Sequential).Select(a => a.Name));
    }

    [Fact]
    public void AnUnknownName_IsBadInput_NamingTheTrainableModels()
    {
        var error = Assert.Throws<Data.DatasetException>(() => NeuralArchitectures.Get("gpt"));

        Assert.Equal("Unknown model 'gpt' for training. Trainable models: bpr, ranknet, neumf, dcn, dcn-text, content, content-text, text, multdae, sasrec, ease, itemknn.", error.Message);
    }
}
