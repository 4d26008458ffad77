namespace Recsys.Text;

/// <summary>
/// A pretrained sentence encoder: texts in, one unit-length vector each out. <see cref="Name"/> and
/// <see cref="Version"/> travel with every vector set it produces, so vectors from one encoder are never
/// scored by a model trained on another's.
/// </summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>The model's name, e.g. "all-MiniLM-L6-v2".</summary>
    string Name { get; }

    /// <summary>A hash of the model's weights.</summary>
    string Version { get; }

    int Dimensions { get; }

    float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
