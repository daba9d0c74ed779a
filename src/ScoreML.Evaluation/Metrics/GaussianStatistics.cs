using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// The mean and covariance of a feature set, in float64, the two moments the Frechet distance compares. The covariance
/// divides by n - 1, as numpy's <c>np.cov</c> (and so pytorch-fid and clean-fid) does. Compute them once for a real set and
/// reuse them (see <see cref="RealSetReference"/>).
/// </summary>
public sealed class GaussianStatistics
{
    // Column blocks for the covariance: only blocks on or above the diagonal are multiplied (about 56 % of a full X^T X
    // at 8 blocks); the lower triangle is mirrored.
    const int CovarianceBlocks = 8;

    public GaussianStatistics(double[] mean, double[] covariance, int count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.Length == 0) throw new ArgumentException("The mean is empty.", nameof(mean));
        if (covariance.Length != mean.Length * mean.Length)
            throw new ArgumentException($"The covariance must be {mean.Length} x {mean.Length}; it holds {covariance.Length} values.", nameof(covariance));
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "A covariance needs at least two samples.");
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    public double[] Mean { get; }
    /// <summary>Row-major [D, D].</summary>
    public double[] Covariance { get; }
    /// <summary>The number of samples the moments were computed from.</summary>
    public int Count { get; }
    public int Dimension => Mean.Length;

    public static GaussianStatistics Compute(FeatureMatrix features)
    {
        if (features.Rows < 2)
            throw new ArgumentException($"The {features.Name} set has {features.Rows} row; a covariance needs at least two.", nameof(features));
        using var scope = NewDisposeScope();
        var x = tensor(features.Values, new long[] { features.Rows, features.Dimension }).to(ScalarType.Float64);
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var covariance = UpperBlockGram(centred).div_(features.Rows - 1);
        return new GaussianStatistics(mean.data<double>().ToArray(), covariance.data<double>().ToArray(), features.Rows);
    }

    /// <summary>X^T X from the blocks on and above the diagonal, mirrored into a full symmetric matrix.</summary>
    static Tensor UpperBlockGram(Tensor x)
    {
        long d = x.shape[1];
        var gram = zeros(d, d, dtype: ScalarType.Float64);
        long width = (d + CovarianceBlocks - 1) / CovarianceBlocks;
        for (long i = 0; i < d; i += width)
        {
            long wi = Math.Min(width, d - i);
            var left = x.narrow(1, i, wi).t();
            for (long j = i; j < d; j += width)
            {
                using var blockScope = NewDisposeScope();
                long wj = Math.Min(width, d - j);
                var block = left.mm(x.narrow(1, j, wj));
                gram.narrow(0, i, wi).narrow(1, j, wj).copy_(block);
                if (j != i) gram.narrow(0, j, wj).narrow(1, i, wi).copy_(block.t());
            }
        }
        return gram;
    }
}
