using static TorchSharp.torch;

namespace ScoreML.Evaluation;

/// <summary>
/// The squared maximum mean discrepancy between two samples with a Gaussian kernel
/// k(a, b) = exp(-|a - b|^2 / (2 h^2)), unbiased estimator (Gretton et al. 2012, Eq. 3): 0 in expectation when the
/// two samples come from the same distribution. Computed in float64.
/// </summary>
public static class MaximumMeanDiscrepancy
{
    /// <param name="reference">Row-major [n, D] reference points (for example held-out real data).</param>
    /// <param name="candidate">Row-major [m, D] points to compare (for example generated samples).</param>
    /// <param name="dimension">D.</param>
    /// <param name="bandwidth">h; null takes the median pairwise distance of the reference set (the median heuristic).</param>
    public static double Squared(float[] reference, float[] candidate, int dimension, double? bandwidth = null)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        if (reference.Length % dimension != 0 || reference.Length / dimension < 2)
            throw new ArgumentException($"The reference set needs at least two rows of {dimension} values.", nameof(reference));
        if (candidate.Length % dimension != 0 || candidate.Length / dimension < 2)
            throw new ArgumentException($"The candidate set needs at least two rows of {dimension} values.", nameof(candidate));
        if (bandwidth is double bw && !(bw > 0)) throw new ArgumentOutOfRangeException(nameof(bandwidth), bw, "The bandwidth must be positive.");
        using var scope = NewDisposeScope();
        var x = tensor(reference, new long[] { reference.Length / dimension, dimension }).to(ScalarType.Float64);
        var y = tensor(candidate, new long[] { candidate.Length / dimension, dimension }).to(ScalarType.Float64);
        double h = bandwidth ?? MedianPairwiseDistance(x);
        double Mean(Tensor a, Tensor b, bool sameSet)
        {
            var k = exp(-cdist(a, b).square() / (2 * h * h));
            long n = a.shape[0], m = b.shape[0];
            return sameSet ? (k.sum().item<double>() - n) / (n * (n - 1.0)) : k.mean().item<double>();
        }
        return Mean(x, x, true) + Mean(y, y, true) - 2 * Mean(x, y, false);
    }

    static double MedianPairwiseDistance(Tensor x)
    {
        var d = cdist(x, x);
        long n = x.shape[0];
        var upper = d.masked_select(ones(n, n, dtype: ScalarType.Bool).triu(1));
        double median = upper.median().item<double>();
        if (!(median > 0)) throw new ArgumentException("The reference points are all equal, so the median heuristic gives no bandwidth; pass one.");
        return median;
    }
}
