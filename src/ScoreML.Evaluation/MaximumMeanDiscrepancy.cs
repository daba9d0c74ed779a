using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The squared maximum mean discrepancy between two samples with a Gaussian kernel
/// k(a, b) = exp(-|a - b|^2 / (2 h^2)), unbiased estimator (Gretton et al. 2012, Eq. 3): 0 in expectation when the
/// two samples come from the same distribution. Computed in float64.
/// </summary>
/// <remarks>
/// The kernel sums are taken over blocks of <see cref="Block"/> x <see cref="Block"/> pairs, so no n x m Gram matrix is
/// ever held. The median heuristic does need every reference pair's distance at once (n (n - 1) / 2 float64 values, and a
/// copy for the median): when that is more than the memory budget (<see cref="MemoryBudget"/>) it is refused before
/// anything is allocated; pass a bandwidth instead.
/// </remarks>
public static class MaximumMeanDiscrepancy
{
    const int Block = 1024;

    /// <param name="reference">Row-major [n, D] reference points (for example held-out real data).</param>
    /// <param name="candidate">Row-major [m, D] points to compare (for example generated samples).</param>
    /// <param name="dimension">D.</param>
    /// <param name="bandwidth">h; null takes the median pairwise distance of the reference set (the median heuristic).</param>
    /// <param name="memoryBudgetBytes">The memory the median heuristic may use; null for <see cref="MemoryBudget.DefaultBytes"/>.</param>
    /// <exception cref="ArgumentException">A set has fewer than two rows, or a NaN or infinite value (the message names the row).</exception>
    /// <exception cref="InsufficientMemoryException">The median heuristic would need more than the memory budget.</exception>
    public static double Squared(float[] reference, float[] candidate, int dimension, double? bandwidth = null, long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        if (reference.Length % dimension != 0 || reference.Length / dimension < 2)
            throw new ArgumentException($"The reference set needs at least two rows of {dimension} values.", nameof(reference));
        if (candidate.Length % dimension != 0 || candidate.Length / dimension < 2)
            throw new ArgumentException($"The candidate set needs at least two rows of {dimension} values.", nameof(candidate));
        if (bandwidth is double bw && !(bw > 0)) throw new ArgumentOutOfRangeException(nameof(bandwidth), bw, "The bandwidth must be positive.");
        // FeatureMatrix refuses NaN and infinities, naming the set and the row: they would make the MMD NaN.
        var x = new FeatureMatrix(reference, dimension, "reference");
        var y = new FeatureMatrix(candidate, dimension, "candidate");
        if (bandwidth is null) RequireMedianMemory(x.Rows, memoryBudgetBytes);
        using var scope = NewDisposeScope();
        var xs = tensor(reference, new long[] { x.Rows, dimension }).to(ScalarType.Float64);
        var ys = tensor(candidate, new long[] { y.Rows, dimension }).to(ScalarType.Float64);
        double h = bandwidth ?? MedianPairwiseDistance(xs);
        double n = x.Rows, m = y.Rows;
        // Within a set the n diagonal terms k(a, a) = 1 are left out of the unbiased estimator.
        double xx = (KernelSum(xs, xs, h) - n) / (n * (n - 1));
        double yy = (KernelSum(ys, ys, h) - m) / (m * (m - 1));
        double xy = KernelSum(xs, ys, h) / (n * m);
        return xx + yy - 2 * xy;
    }

    /// <summary>sum_ij k(a_i, b_j), a block of pairs at a time.</summary>
    static double KernelSum(Tensor a, Tensor b, double h)
    {
        double sum = 0;
        long rows = a.shape[0], columns = b.shape[0];
        for (long i = 0; i < rows; i += Block)
        {
            for (long j = 0; j < columns; j += Block)
            {
                using var scope = NewDisposeScope();
                var distances = cdist(a.narrow(0, i, Math.Min(Block, rows - i)), b.narrow(0, j, Math.Min(Block, columns - j)));
                sum += exp(-distances.square() / (2 * h * h)).sum().item<double>();
            }
        }
        return sum;
    }

    /// <summary>The median of the n (n - 1) / 2 distances between distinct reference points (torch's median: the lower middle value).</summary>
    static double MedianPairwiseDistance(Tensor x)
    {
        long n = x.shape[0];
        var pairs = empty(n * (n - 1) / 2, dtype: ScalarType.Float64);
        long filled = 0;
        for (long i = 0; i < n; i += Block)
        {
            long rows = Math.Min(Block, n - i);
            for (long j = i; j < n; j += Block)
            {
                using var scope = NewDisposeScope();
                var distances = cdist(x.narrow(0, i, rows), x.narrow(0, j, Math.Min(Block, n - j)));
                // A diagonal block holds each pair twice and the zero self-distances: keep its strict upper triangle only.
                var values = j == i ? distances.masked_select(ones(rows, rows, dtype: ScalarType.Bool).triu(1)) : distances.flatten();
                pairs.narrow(0, filled, values.shape[0]).copy_(values);
                filled += values.shape[0];
            }
        }
        double median = pairs.median().item<double>();
        if (!(median > 0)) throw new ArgumentException("The reference points are all equal, so the median heuristic gives no bandwidth; pass one.");
        return median;
    }

    /// <summary>The median heuristic holds n (n - 1) / 2 float64 distances, and the median works on a copy of them.</summary>
    static void RequireMedianMemory(int n, long? memoryBudgetBytes) =>
        MemoryBudget.Require(2.0 * sizeof(double) * n * (n - 1.0) / 2, memoryBudgetBytes,
            $"The MMD's median heuristic on {n} reference rows (all {(long)n * (n - 1) / 2} pairwise distances, and a copy for the median) needs",
            "Pass a bandwidth (the bandwidth argument), or use fewer reference rows.");
}
