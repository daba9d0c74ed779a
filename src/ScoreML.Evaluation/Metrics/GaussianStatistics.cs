using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The mean and covariance of a feature set, in float64, the two moments the Frechet distance compares. The covariance
/// divides by n - 1, as numpy's <c>np.cov</c> (and so pytorch-fid and clean-fid) does. Compute them once for a real set and
/// reuse them (see <see cref="RealSetReference"/>).
/// </summary>
public sealed class GaussianStatistics
{
    const int ChunkValues = 1 << 21;   // doubles in the centred chunk of rows (16 MiB)

    /// <summary>D x D float64 matrices <see cref="Compute"/> holds at once: the native sum and the managed copy it returns.</summary>
    internal const int CovarianceMatrices = 2;

    /// <summary>Statistics computed elsewhere (e.g. a published reference); <see cref="Compute"/> makes them from features.</summary>
    /// <param name="mean">The mean, D values.</param>
    /// <param name="covariance">Row-major [D, D] covariance.</param>
    /// <param name="count">The number of samples behind them, at least 2.</param>
    public GaussianStatistics(double[] mean, double[] covariance, int count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.Length == 0) throw new ArgumentException("The mean is empty.", nameof(mean));
        if (covariance.Length != (long)mean.Length * mean.Length)
            throw new ArgumentException($"The covariance must be {mean.Length} x {mean.Length}; it holds {covariance.Length} values.", nameof(covariance));
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "A covariance needs at least two samples.");
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>The mean, D values.</summary>
    public double[] Mean { get; }
    /// <summary>Row-major [D, D].</summary>
    public double[] Covariance { get; }
    /// <summary>The number of samples the moments were computed from.</summary>
    public int Count { get; }
    /// <summary>The feature dimension D.</summary>
    public int Dimension => Mean.Length;

    /// <param name="features">The feature set, at least two rows.</param>
    /// <param name="memoryBudgetBytes">
    /// The memory the covariance may take (it is built in native memory and copied out: two float64 D x D matrices); null
    /// for <see cref="MemoryBudget.DefaultBytes"/>.
    /// </param>
    /// <exception cref="InsufficientMemoryException">The covariance needs more than the budget; nothing was allocated.</exception>
    public static GaussianStatistics Compute(FeatureMatrix features, long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows < 2)
            throw new ArgumentException($"The {features.Name} set has {features.Rows} row; a covariance needs at least two.", nameof(features));
        FrechetDistance.RequireMemory(features.Dimension, CovarianceMatrices, memoryBudgetBytes);
        if ((long)features.Dimension * features.Dimension > Array.MaxLength)
            throw new ArgumentException($"The {features.Name} set has {features.Dimension} features: its {features.Dimension} x {features.Dimension} covariance " +
                $"holds more values than a .NET array can ({Array.MaxLength}). Use a feature extractor with fewer dimensions " +
                "(GenerativeEvaluationOptions.FeatureExtractor), or turn FID off (GenerativeEvaluationOptions.ComputeFid = false).", nameof(features));
        var (mean, scatter) = Moments(features);
        return FromScatter(mean, scatter, features.Rows);
    }

    /// <summary>
    /// The float64 column means and the scatter matrix sum_i (x_i - mean)(x_i - mean)^T (row-major D x D) of a feature set
    /// of at least one row; the caller has checked the memory budget.
    /// </summary>
    internal static (double[] Mean, double[] Scatter) Moments(FeatureMatrix features)
    {
        var mean = Float64Rows.ColumnMeans(features);
        using var scope = NewDisposeScope();
        return (mean, CentredGram(features, mean).data<double>().ToArray());
    }

    /// <summary>
    /// The statistics from a scatter matrix of <paramref name="count"/> rows: the covariance is the scatter divided by n - 1,
    /// in place (every way of computing them divides the same way, so they agree to the bit).
    /// </summary>
    internal static GaussianStatistics FromScatter(double[] mean, double[] scatter, int count)
    {
        double divisor = count - 1;
        for (int i = 0; i < scatter.Length; i++) scatter[i] /= divisor;
        return new GaussianStatistics(mean, scatter, count);
    }

    /// <summary>
    /// (X - mean)^T (X - mean) in float64, accumulated over chunks of rows centred into one native buffer, so no float64 copy
    /// of the whole set exists.
    /// </summary>
    static Tensor CentredGram(FeatureMatrix features, double[] mean)
    {
        int d = features.Dimension;
        int chunkRows = (int)Math.Clamp(ChunkValues / d, 1, features.Rows);
        using var chunk = empty(chunkRows, d, dtype: ScalarType.Float64);
        var gram = zeros(d, d, dtype: ScalarType.Float64);
        for (int start = 0; start < features.Rows; start += chunkRows)
        {
            int rows = Math.Min(chunkRows, features.Rows - start);
            ParallelRanges.For(rows, (first, count) =>
            {
                for (int r = first; r < first + count; r++)
                    Float64Rows.Centre(features.Values.AsSpan((start + r) * d, d), mean, TensorMemory.Doubles(chunk).Slice(r * d, d));
            });
            GramMatrix.AddUpper(gram, chunk.narrow(0, 0, rows));
        }
        return GramMatrix.MirrorUpper(gram);
    }
}
