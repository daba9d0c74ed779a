using ScoreML.Evaluation.Intervals;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>KID's mean and (population) standard deviation over its subsets, and the subsets it drew.</summary>
/// <param name="Mean">KID: the mean of the subsets' unbiased MMD^2.</param>
/// <param name="Std">Their standard deviation (ddof = 0, as torch-fidelity reports it).</param>
/// <param name="Subsets">How many subsets were drawn (1 when one subset holds every row of both sets).</param>
/// <param name="SubsetSize">Rows of each set in a subset.</param>
/// <param name="PerSubset">The unbiased MMD^2 of each subset, in the order drawn.</param>
public sealed record KidResult(double Mean, double Std, int Subsets, int SubsetSize, IReadOnlyList<double> PerSubset);

/// <summary>
/// The kernel inception distance (Binkowski et al. 2018): the unbiased squared MMD between generated and real features
/// with the cubic polynomial kernel k(x, y) = (x^T y / d + 1)^3, averaged over random subsets of m rows of each set,
/// drawn without replacement. As clean-fid and torch-fidelity compute it: m = min(subset size, rows of either set), the
/// within-set sums leave out the diagonal and divide by m (m - 1), the cross sum divides by m^2, and the standard deviation
/// is the population one (ddof = 0). Unlike FID it is unbiased at any size, so small generated sets can be compared.
/// </summary>
/// <remarks>
/// Computed in float64: the MMD is a small difference of sums of order one, which float32 products would blur. When m is
/// every row of both sets, every subset holds the same rows (only their order differs, and the MMD ignores order), so it is
/// computed once and the standard deviation is 0.
/// </remarks>
public static class KernelInceptionDistance
{
    /// <param name="real">The real set's features.</param>
    /// <param name="generated">The generated set's features (same dimension).</param>
    /// <param name="subsets">How many random subsets to average over (clean-fid and torch-fidelity: 100).</param>
    /// <param name="subsetSize">
    /// Rows of each set per subset; null takes 1,000 (clean-fid and torch-fidelity), or every row of the smaller set when it
    /// has fewer. A size given explicitly must fit in both sets, as torch-fidelity requires.
    /// </param>
    /// <param name="seed">Seeds the choice of the subsets.</param>
    public static KidResult Compute(FeatureMatrix real, FeatureMatrix generated, int subsets = 100, int? subsetSize = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (subsets < 1) throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "KID needs at least one subset.");
        if (subsetSize < 2) throw new ArgumentOutOfRangeException(nameof(subsetSize), subsetSize, "A KID subset needs at least 2 rows of each set.");
        real.RequireSameDimension(generated);
        RequireRows(subsetSize, real.Rows, generated.Rows, nameof(subsetSize));
        int m = subsetSize ?? Math.Min(DefaultSubsetSize, Math.Min(real.Rows, generated.Rows));
        if (m < 2)
            throw new ArgumentException($"KID needs at least 2 rows in each set; the real set has {real.Rows} and the generated set {generated.Rows}.");
        if (m == real.Rows && m == generated.Rows) subsets = 1;

        var random = new Random(seed);
        var values = new double[subsets];
        using var realRows = tensor(real.Values, new long[] { real.Rows, real.Dimension });
        using var generatedRows = tensor(generated.Values, new long[] { generated.Rows, generated.Dimension });
        for (int s = 0; s < subsets; s++)
        {
            using var scope = NewDisposeScope();
            // the generated subset is drawn before the real one, as clean-fid does
            var x = Subset(generatedRows, generated.Rows, m, random);
            var y = Subset(realRows, real.Rows, m, random);
            values[s] = UnbiasedSquaredMmd(x, y);
        }
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / subsets);
        return new KidResult(mean, std, subsets, m, values);
    }

    /// <summary>Rows per subset when none is given (clean-fid and torch-fidelity), or every row of a smaller set.</summary>
    public const int DefaultSubsetSize = 1000;

    /// <summary>Throws unless an explicit subset size fits in both sets (before any feature is extracted, in the evaluator).</summary>
    internal static void RequireRows(int? subsetSize, int realRows, int generatedRows, string option)
    {
        if (subsetSize is int size && size > Math.Min(realRows, generatedRows))
            throw new ArgumentOutOfRangeException(option[(option.LastIndexOf('.') + 1)..], size,
                $"{option} is {size}, but the real set has {realRows} rows and the generated set {generatedRows}: each KID subset draws that many " +
                $"rows of both without replacement. Give at most {Math.Min(realRows, generatedRows)}, or leave it unset for {DefaultSubsetSize} or every row of a smaller set.");
    }

    /// <summary>
    /// The unbiased MMD^2 of each bootstrap resample of the generated rows against the whole real set: the interval of a KID
    /// whose one subset holds every row (its subsets cannot vary). Pairs of a row with its own copy count as distinct pairs, the
    /// plain bootstrap of a U-statistic; the interval is moved back onto the estimate (<see cref="ConfidenceInterval.FromReplicates"/>).
    /// </summary>
    internal static double[] ResampledGenerated(FeatureMatrix real, FeatureMatrix generated, BootstrapDraws draws)
    {
        using var scope = NewDisposeScope();
        using Scalar d = ((double)real.Dimension).ToScalar(), one = 1.0.ToScalar(), three = 3.ToScalar();
        Tensor Kernel(Tensor a, Tensor b) => a.matmul(b.t()).div_(d).add_(one).pow_(three);
        var x = tensor(generated.Values, new long[] { generated.Rows, generated.Dimension }).to(ScalarType.Float64);
        var y = tensor(real.Values, new long[] { real.Rows, real.Dimension }).to(ScalarType.Float64);
        long n = generated.Rows, m = real.Rows;
        var kxx = Kernel(x, x);
        var kyy = Kernel(y, y);
        double realTerm = (kyy.sum().item<double>() - kyy.diagonal().sum().item<double>()) / (m * (m - 1.0));
        var crossRows = Kernel(x, y).sum(1);
        var counts = tensor(Enumerable.Range(0, draws.Resamples).SelectMany(b => draws.Counts(b).Select(c => (double)c)).ToArray(), new long[] { draws.Resamples, n });
        // c^T K c counts every ordered pair of drawn positions; the diagonal sum c_i K_ii takes out each position with itself.
        var within = counts.matmul(kxx).mul_(counts).sum(1).sub_(counts.matmul(kxx.diagonal()));
        var values = within.div_(n * (n - 1.0)).add_(realTerm).sub_(counts.matmul(crossRows).mul_(2.0 / ((double)n * m)));
        return values.data<double>().ToArray();
    }

    /// <summary>The unbiased MMD^2 of two float64 sets of the same size m with the cubic polynomial kernel.</summary>
    static double UnbiasedSquaredMmd(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        long m = x.shape[0];
        // The kernel's scalars are held for the whole computation: TorchSharp's temporary scalars can be freed by a collection
        // while libtorch still reads them, and this loop makes millions of calls (see HeldScalars).
        using Scalar d = ((double)x.shape[1]).ToScalar(), one = 1.0.ToScalar(), three = 3.ToScalar();
        Tensor Kernel(Tensor a, Tensor b) => a.matmul(b.t()).div_(d).add_(one).pow_(three);
        double OffDiagonalSum(Tensor kernel) => kernel.sum().item<double>() - kernel.diagonal().sum().item<double>();
        double within = OffDiagonalSum(Kernel(x, x)) + OffDiagonalSum(Kernel(y, y));
        double cross = Kernel(x, y).sum().item<double>();
        return within / (m * (m - 1.0)) - 2.0 * cross / ((double)m * m);
    }

    /// <summary>m of the n rows, chosen without replacement (a partial Fisher-Yates shuffle), as float64.</summary>
    static Tensor Subset(Tensor rows, int n, int m, Random random)
    {
        var order = new long[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = 0; i < m; i++)
        {
            int j = random.Next(i, n);
            (order[i], order[j]) = (order[j], order[i]);
        }
        using var chosen = tensor(order.AsSpan(0, m).ToArray());
        return rows.index_select(0, chosen).to(ScalarType.Float64);
    }
}
