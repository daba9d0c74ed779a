using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// The Frechet distance between two Gaussians fitted to feature sets (FID when the features are Inception pool features):
/// |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr (S1 S2)^(1/2), in float64.
/// </summary>
/// <remarks>
/// tr (S1 S2)^(1/2) is the sum of the square roots of the eigenvalues of S1 S2, which are those of the symmetric positive
/// semi-definite matrix A^T S2 A for any factor S1 = A A^T. A is the Cholesky factor of S1 when S1 is positive definite
/// (cheap), else V diag(sqrt(max(lambda, 0))) from S1's symmetric eigendecomposition. Either way only symmetric problems are
/// solved: no general matrix square root (scipy's sqrtm, which pytorch-fid uses), no complex round-off to discard.
/// Singular covariances (fewer samples than dimensions) need no 1e-6 I offset here: the square root of a positive
/// semi-definite matrix always exists, so the distance of the two fitted (degenerate) Gaussians is computed as it is, and
/// <see cref="FrechetResult.Warning"/> says the number is biased and not comparable across sample sizes. Round-off can
/// leave an exact zero a hair below it; the result is clamped at 0.
/// </remarks>
public static class FrechetDistance
{
    public static FrechetResult Compute(GaussianStatistics real, GaussianStatistics generated)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.Dimension != generated.Dimension)
            throw new ArgumentException($"The real statistics have {real.Dimension} features but the generated ones have {generated.Dimension}; " +
                "both must come from the same feature extractor.", nameof(generated));
        int d = real.Dimension;
        using var scope = NewDisposeScope();
        var mu1 = tensor(real.Mean);
        var mu2 = tensor(generated.Mean);
        var s1 = tensor(real.Covariance, new long[] { d, d });
        var s2 = tensor(generated.Covariance, new long[] { d, d });
        var factor = SquareRootFactor(s1);
        var product = factor.t().mm(s2).mm(factor);
        product = (product + product.t()) * 0.5;   // symmetric up to round-off; make it exactly so for eigvalsh
        double traceOfRoot = linalg.eigvalsh(product).clamp_min(0).sqrt().sum().item<double>();
        var diff = mu1 - mu2;
        double meanTerm = diff.dot(diff).item<double>();
        double traces = s1.trace().item<double>() + s2.trace().item<double>();
        double value = Math.Max(0, meanTerm + traces - 2 * traceOfRoot);
        string? warning = null;
        int fewest = Math.Min(real.Count, generated.Count);
        if (fewest <= d)
            warning = $"FID from {fewest} samples in {d} dimensions: the covariance is singular, the distance is biased upward and only " +
                      "comparable with FIDs from the same number of samples.";
        return new FrechetResult(value, meanTerm, traces - 2 * traceOfRoot, warning);
    }

    /// <summary>A with A A^T = S: the Cholesky factor, or V sqrt(Lambda) when S is only semi-definite.</summary>
    static Tensor SquareRootFactor(Tensor s)
    {
        var (cholesky, info) = linalg.cholesky_ex(s);
        if (info.item<int>() == 0) return cholesky;
        var (eigenvalues, eigenvectors) = linalg.eigh(s);
        return eigenvectors * eigenvalues.clamp_min(0).sqrt().unsqueeze(0);
    }
}

/// <param name="Value">The distance.</param>
/// <param name="MeanTerm">|mu1 - mu2|^2.</param>
/// <param name="CovarianceTerm">tr S1 + tr S2 - 2 tr (S1 S2)^(1/2).</param>
/// <param name="Warning">Set when a covariance is singular (fewer samples than dimensions).</param>
public sealed record FrechetResult(double Value, double MeanTerm, double CovarianceTerm, string? Warning);
