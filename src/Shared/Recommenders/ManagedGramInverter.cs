using System.Numerics.Tensors;

namespace Recsys.Recommenders;

/// <summary>
/// Gauss-Jordan inversion in managed code, without pivoting (stable for a symmetric positive definite
/// matrix). Every pivot step streams the whole matrix, so the cost is memory-bound: up to 4,096 items it fits
/// in seconds; the training library's Cholesky inverter takes larger catalogues.
/// </summary>
public sealed class ManagedGramInverter : IGramInverter
{
    public static ManagedGramInverter Instance { get; } = new();

    public int MaxItems => 4096;

    public void InvertInPlace(float[] matrix, int n, CancellationToken cancellationToken)
    {
        float[] pivotRow = new float[n];
        for (int k = 0; k < n; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Span<float> rowK = matrix.AsSpan(k * n, n);
            float pivot = rowK[k];
            rowK[k] = 1;
            TensorPrimitives.Divide(rowK, pivot, rowK);
            rowK.CopyTo(pivotRow);
            int kk = k;
            // Each pivot step updates the other rows in parallel with vectorised multiply-adds.
            Parallel.For(0, n, i =>
            {
                if (i == kk)
                {
                    return;
                }

                Span<float> row = matrix.AsSpan(i * n, n);
                float factor = row[kk];
                if (factor == 0)
                {
                    return;
                }

                row[kk] = 0;
                TensorPrimitives.MultiplyAdd(pivotRow, -factor, row, row);
            });
        }
    }
}
