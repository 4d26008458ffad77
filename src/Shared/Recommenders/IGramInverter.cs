namespace Recsys.Recommenders;

/// <summary>
/// How EASE inverts its Gram matrix XᵀX + λI (symmetric positive definite, row-major n × n, in place), and
/// the largest catalogue for which that is practical: EASE keeps that many of the most popular items.
/// </summary>
public interface IGramInverter
{
    int MaxItems { get; }

    void InvertInPlace(float[] matrix, int n, CancellationToken cancellationToken);
}
