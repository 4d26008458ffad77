using Recsys.Recommenders;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class EaseInverseTests
{
    [Fact]
    public void InvertInPlace_SymmetricPositiveDefinite_GivesTheInverse()
    {
        const int n = 40;
        var random = new Random(5);
        float[] x = [.. Enumerable.Range(0, 60 * n).Select(_ => random.Next(2) * 1f)];
        float[] g = new float[n * n];
        for (int r = 0; r < 60; r++)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    g[(i * n) + j] += x[(r * n) + i] * x[(r * n) + j];
                }
            }
        }

        for (int d = 0; d < n; d++)
        {
            g[(d * n) + d] += 5;
        }

        float[] inverse = (float[])g.Clone();
        ManagedGramInverter.Instance.InvertInPlace(inverse, n, TestContext.Current.CancellationToken);

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double product = 0;
                for (int m = 0; m < n; m++)
                {
                    product += g[(i * n) + m] * (double)inverse[(m * n) + j];
                }

                Assert.Equal(i == j ? 1.0 : 0.0, product, 4);
            }
        }
    }
}
