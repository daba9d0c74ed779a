using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The Frechet distance between two Gaussians fitted to feature sets (FID when the features are Inception pool features):
/// |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr (S1 S2)^(1/2), in float64.
/// </summary>
/// <remarks>
/// tr (S1 S2)^(1/2) is the sum of the square roots of the eigenvalues of S1 S2, which are those of the symmetric positive
/// semi-definite matrix A1^T S2 A1 = B^T B, B = A2^T A1, for any factors S1 = A1 A1^T and S2 = A2 A2^T. Each A is the
/// Cholesky factor when the covariance is positive definite (cheap, and B is then a product of two triangular matrices),
/// else V diag(sqrt(max(lambda, 0))) from its symmetric eigendecomposition. Either way only symmetric problems are
/// solved: no general matrix square root (scipy's sqrtm, which pytorch-fid uses), no complex round-off to discard.
/// Singular covariances (fewer samples than dimensions) need no 1e-6 I offset here: the square root of a positive
/// semi-definite matrix always exists, so the distance of the two fitted (degenerate) Gaussians is computed as it is, and
/// <see cref="FrechetResult.Warning"/> says the number is biased and not comparable across sample sizes. Round-off can
/// leave an exact zero a hair below it; the result is clamped at 0.
/// </remarks>
public static class FrechetDistance
{
    const int TriangularBlocks = 8;

    /// <summary>
    /// D x D float64 matrices <see cref="Compute(GaussianStatistics, GaussianStatistics, long?)"/> holds at its peak: the first factor while the second covariance is
    /// factored (the covariance, the eigenvectors and LAPACK's eigen workspace of two more).
    /// </summary>
    const int WorkMatrices = 5;

    /// <summary>
    /// D x D float64 matrices of a whole FID at its peak: the two statistics' covariances, which stay in memory, and the work
    /// of <see cref="Compute(GaussianStatistics, GaussianStatistics, long?)"/> (computing the second statistics needs less: the first covariance and two more).
    /// </summary>
    internal const int PeakMatrices = 2 + WorkMatrices;

    /// <param name="real">The real set's statistics.</param>
    /// <param name="generated">The generated set's statistics.</param>
    /// <param name="memoryBudgetBytes">
    /// The memory the matrices of the square root may take (five float64 D x D matrices at the peak); null for
    /// <see cref="MemoryBudget.DefaultBytes"/>.
    /// </param>
    /// <exception cref="InsufficientMemoryException">The computation needs more than the budget; nothing was allocated.</exception>
    public static FrechetResult Compute(GaussianStatistics real, GaussianStatistics generated, long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.Dimension != generated.Dimension)
            throw new ArgumentException($"The real statistics have {real.Dimension} features but the generated ones have {generated.Dimension}; " +
                "both must come from the same feature extractor.", nameof(generated));
        int d = real.Dimension;
        RequireMemory(d, WorkMatrices, memoryBudgetBytes);
        using var scope = NewDisposeScope();
        // S1 = A1 A1^T and S2 = A2 A2^T give A1^T S2 A1 = B^T B with B = A2^T A1. Each matrix is freed as soon as the next is
        // made (the covariances inside SquareRootFactor, then the factors, then B), which keeps the peak at WorkMatrices.
        var (factor1, triangular1, trace1) = SquareRootFactor(real.Covariance, d);
        return Compute(real, factor1, triangular1, trace1, generated);
    }

    /// <summary>
    /// The distances of several generated sets from one real set (the bootstrap's resamples): the real covariance is factored
    /// once. Needs one more D x D matrix than <see cref="Compute(GaussianStatistics, GaussianStatistics, long?)"/>.
    /// </summary>
    internal static double[] ComputeMany(GaussianStatistics real, IEnumerable<GaussianStatistics> generated, long? memoryBudgetBytes)
    {
        RequireMemory(real.Dimension, WorkMatrices + 1, memoryBudgetBytes);
        using var scope = NewDisposeScope();
        var (factor, triangular, trace) = SquareRootFactor(real.Covariance, real.Dimension);
        return generated.Select(g =>
        {
            using var each = NewDisposeScope();
            return Compute(real, factor, triangular, trace, g, disposeRealFactor: false).Value;
        }).ToArray();
    }

    static FrechetResult Compute(GaussianStatistics real, Tensor factor1, bool triangular1, double trace1, GaussianStatistics generated, bool disposeRealFactor = true)
    {
        if (real.Dimension != generated.Dimension)
            throw new ArgumentException($"The real statistics have {real.Dimension} features but the generated ones have {generated.Dimension}; " +
                "both must come from the same feature extractor.", nameof(generated));
        int d = real.Dimension;
        var diff = tensor(real.Mean) - tensor(generated.Mean);
        double meanTerm = diff.dot(diff).item<double>();
        var (factor2, triangular2, trace2) = SquareRootFactor(generated.Covariance, d);
        Tensor b;
        using (NewDisposeScope())
            b = (triangular1 && triangular2 ? UpperTimesLower(factor2.t(), factor1) : factor2.t().mm(factor1)).MoveToOuterDisposeScope();
        if (disposeRealFactor) factor1.Dispose();
        factor2.Dispose();
        var gram = GramMatrix.Upper(b);
        b.Dispose();
        var eigenvalues = linalg.eigvalsh(gram, UPLO: 'U');
        gram.Dispose();
        // Eigenvalues within round-off of 0 (below D eps lambda_max, as a numerical rank counts them) are 0: a zero eigenvalue
        // computed as 1e-16 would otherwise add its square root, 1e-8, to the trace.
        double negligible = d * Math.Pow(2, -52) * eigenvalues.max().item<double>();
        double traceOfRoot = eigenvalues.where(eigenvalues > negligible, 0.0).sqrt().sum().item<double>();
        double traces = trace1 + trace2;
        double value = Math.Max(0, meanTerm + traces - 2 * traceOfRoot);
        string? warning = null;
        int fewest = Math.Min(real.Count, generated.Count);
        if (fewest <= d)
            warning = $"FID from {fewest} samples in {d} dimensions: the covariance is singular, the distance is biased upward and only " +
                      "comparable with FIDs from the same number of samples.";
        return new FrechetResult(value, meanTerm, traces - 2 * traceOfRoot, warning);
    }

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> when <paramref name="matrices"/> float64 D x D matrices are more than
    /// the budget, saying what to change. FID's memory grows with D^2 and cannot be computed in blocks (the square root
    /// couples every pair of features), so a dimension that does not fit is refused.
    /// </summary>
    internal static void RequireMemory(int dimension, int matrices, long? memoryBudgetBytes) =>
        MemoryBudget.Require((double)matrices * sizeof(double) * dimension * dimension, memoryBudgetBytes,
            $"FID on {dimension} features ({matrices} float64 matrices of {dimension} x {dimension} for the covariances and their square root) needs",
            "Use a feature extractor with fewer dimensions (GenerativeEvaluationOptions.FeatureExtractor), turn FID off " +
            "(GenerativeEvaluationOptions.ComputeFid = false), or raise the budget.");

    /// <summary>
    /// A with A A^T = S: the (lower triangular) Cholesky factor, or V sqrt(Lambda) when S is only semi-definite; and tr S.
    /// S exists in native memory only in here.
    /// </summary>
    static (Tensor Factor, bool LowerTriangular, double Trace) SquareRootFactor(double[] covariance, int d)
    {
        using var scope = NewDisposeScope();
        var s = tensor(covariance, new long[] { d, d });
        double trace = s.trace().item<double>();
        var (cholesky, info) = linalg.cholesky_ex(s);
        if (info.item<int>() == 0) return (cholesky.MoveToOuterDisposeScope(), true, trace);
        cholesky.Dispose();
        var (eigenvalues, eigenvectors) = linalg.eigh(s);
        return ((eigenvectors * eigenvalues.clamp_min(0).sqrt().unsqueeze(0)).MoveToOuterDisposeScope(), false, trace);
    }

    /// <summary>
    /// U L for an upper triangular U and a lower triangular L, by blocks: block (I, J) sums only over the blocks K at or
    /// after both I and J, where neither factor is zero (about 40 % of a full product at 8 blocks).
    /// </summary>
    static Tensor UpperTimesLower(Tensor upper, Tensor lower)
    {
        long d = upper.shape[0];
        long width = (d + TriangularBlocks - 1) / TriangularBlocks;
        var product = empty(d, d, dtype: upper.dtype);
        using var scope = NewDisposeScope();
        for (long i = 0; i < d; i += width)
        {
            long wi = Math.Min(width, d - i);
            for (long j = 0; j < d; j += width)
            {
                long wj = Math.Min(width, d - j);
                long k = Math.Max(i, j);
                product.narrow(0, i, wi).narrow(1, j, wj).addmm_(upper.narrow(0, i, wi).narrow(1, k, d - k), lower.narrow(0, k, d - k).narrow(1, j, wj), beta: 0);
            }
        }
        return product;
    }
}

/// <param name="Value">The distance.</param>
/// <param name="MeanTerm">|mu1 - mu2|^2.</param>
/// <param name="CovarianceTerm">tr S1 + tr S2 - 2 tr (S1 S2)^(1/2).</param>
/// <param name="Warning">Set when a covariance is singular (fewer samples than dimensions).</param>
public sealed record FrechetResult(double Value, double MeanTerm, double CovarianceTerm, string? Warning);
