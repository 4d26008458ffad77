using System.Diagnostics;
using System.Globalization;
using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;
using Recsys.Training;
using Recsys.Training.Trainer;
using static TorchSharp.torch;

// Training throughput on MovieLens 100K next to the arithmetic bound (FLOPs per sample ÷ measured FLOP/s).
// Usage: dotnet run -c Release --project bench/Train.Bench -- [path to ml-100k]
// Usage: dotnet run -c Release --project bench/Train.Bench -- tune-multdae [path to ml-100k]
// Usage: dotnet run -c Release --project bench/Train.Bench -- sequential <sequence file or dataset folder> [setting=value ...]
// Usage: dotnet run -c Release --project bench/Train.Bench -- ease-scale <items>
// Usage: dotnet run -c Release --project bench/Train.Bench -- text-encode <dataset>
if (args is ["text-encode", var textDataset])
{
    await Recsys.Bench.TextEncoding.RunAsync(textDataset);
    return;
}

if (args is ["ease-scale", var size])
{
    Recsys.Bench.EaseScaling.Run(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["sequential", var sequenceFile, .. var settings])
{
    await Recsys.Bench.SequentialBenchmark.RunAsync(sequenceFile, settings);
    return;
}

if (args is ["tune-multdae", .. var rest])
{
    await Recsys.Bench.MultDaeTuning.RunAsync(rest.Length > 0 ? rest[0] : Path.Combine("..", "shared", "data", "ml-100k"));
    return;
}

string ml100k = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "ml-100k");
string folder = Path.Combine(Path.GetTempPath(), "recsys-bench-train");
await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = ml100k }, new LocalPreparedOutput(folder));
var spec = await PreparedDatasetReader.ReadSpecAsync(folder);
var train = InteractionMatrix.FromSplit((await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train))!, spec.Users.Size, spec.Items.Size);
ItemContent content = await ItemContent.ReadAsync(folder, spec);

double gflops = MeasureGemm();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, libtorch threads {get_num_threads()}, sgemm 1024² {gflops:0.0} GFLOP/s"));

int items = spec.Items.Size;
// BPR step per sample: 3 embedding rows of d = 64; forward ≈ 2 dot products (4d), backward ≈ 2× forward, Adam ≈ 10 per touched weight.
double bprFlops = (3 * 4.0 * 64) + (10 * 3 * 64);
// Mult-DAE per user: two dense I×600 matmuls forward (2·2·I·600), backward twice that, softmax ≈ 5·I.
double daeFlops = (3 * 2 * 2.0 * items * 600) + (5.0 * items);
Report("bpr (samples = interactions)", "bpr", bprFlops);
// Point-wise models, per interaction: 1 positive + 4 negatives = 5 pairs, forward + backward ≈ 3× forward.
// NeuMF (d = 32): GMF product and MLP 64→32→16→8 plus the 40→1 output ≈ 5.5k FLOPs forward per pair.
double neumfFlops = 5 * 3 * ((2.0 * 64 * 32) + (2.0 * 32 * 16) + (2.0 * 16 * 8) + (2.0 * 40) + 32);
// DCN-v2 (d = 32, x₀ 96 wide): two 96×96 cross layers, MLP 96→32→16, output 112→1, content tower (32 tokens and
// the genre projection, 32 wide).
double dcnFlops = 5 * 3 * ((2 * ((2.0 * 96 * 96) + (2 * 96))) + (2.0 * 96 * 32) + (2.0 * 32 * 16) + (2.0 * 112) + (2.0 * 32 * 32) + (2.0 * content.GenreCount * 32));
// Content two-tower (d = 32): the content tower plus one dot product.
double contentFlops = 5 * 3 * ((2.0 * 32 * 32) + (2.0 * content.GenreCount * 32) + (2 * 32));
Report("neumf (samples = interactions)", "neumf", neumfFlops);
Report("dcn (samples = interactions)", "dcn", dcnFlops);
Report("content (samples = interactions)", "content", contentFlops);
Report("multdae (samples = users)", "multdae", daeFlops);
// SASRec per user sequence (users with two items or more) of w = min(length − 1, 50) trained positions (batches are as wide as their longest
// window, and they group similar lengths): per position and block 12·d² (projections, feed-forward) + 4·w·d
// (attention), plus the output layer, 2·d per scored item (the catalogue, or 256 negatives + the target);
// backward ≈ 2× forward.
TrainingOptions sasrec = NeuralDefaults.For("sasrec");
double SasRecFlops(int scoredItems) => train.UsersWithItems().Select(u => train.ItemsOf(u).Length).Where(n => n >= 2).Average(n =>
{
    double w = Math.Min(n - 1, sasrec.SequenceLength), d = sasrec.Dimensions;
    return 3 * w * ((sasrec.Blocks * ((12 * d * d) + (4 * w * d))) + (2 * d * scoredItems));
});
Report("sasrec, full softmax", "sasrec", SasRecFlops(items), o => o with { SampledNegatives = 0 });
Report("sasrec, 256 sampled (default)", "sasrec", SasRecFlops(sasrec.SampledNegatives + 1));

void Report(string label, string model, double flopsPerSample, Func<TrainingOptions, TrainingOptions>? adjust = null)
{
    var epochs = new List<EpochReport>();
    var options = (adjust ?? (o => o))(NeuralDefaults.For(model) with { Epochs = 4, Patience = 100, PreferCuda = false });
    using var recommender = new NeuralRecommender(model, options, new Progress(epochs.Add));
    recommender.UseContent(content);
    recommender.Fit(train);
    double median = epochs.Skip(1).Select(e => e.SamplesPerSecond).Order().ElementAt((epochs.Count - 1) / 2);
    double bound = gflops * 1e9 / flopsPerSample;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {label,-30} {median,12:N0} samples/s   bound {bound,14:N0} samples/s   ({median / bound:P1} of the arithmetic bound; {flopsPerSample:N0} FLOP/sample)"));
}

static double MeasureGemm()
{
    using var a = randn(1024, 1024);
    using var b = randn(1024, 1024);
    for (int i = 0; i < 3; i++) { using var warm = a.matmul(b); }
    var watch = Stopwatch.StartNew();
    const int runs = 20;
    for (int i = 0; i < runs; i++) { using var c = a.matmul(b); }
    return runs * 2.0 * 1024 * 1024 * 1024 / watch.Elapsed.TotalSeconds / 1e9;
}

internal sealed class Progress(Action<EpochReport> report) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => report(value);
}
