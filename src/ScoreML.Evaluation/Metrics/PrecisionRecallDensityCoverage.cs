using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// Precision and recall (Kynkaanniemi et al. 2019) and density and coverage (Naeem et al. 2020) from k-nearest-neighbour
/// manifolds, as the public reference code (clovaai/generative-evaluation-prdc) computes them: radii r_k exclude the point
/// itself, comparisons are strict. With X the real set and Y the generated one:
/// precision = mean_j 1[exists i: d(X_i, Y_j) &lt; r_k(X_i)]; recall = mean_i 1[exists j: d(X_i, Y_j) &lt; r_k(Y_j)];
/// density = (1 / kM) sum_j sum_i 1[d(X_i, Y_j) &lt; r_k(X_i)]; coverage = mean_i 1[min_j d(X_i, Y_j) &lt; r_k(X_i)].
/// Swapping the two sets swaps precision and recall, so the parameters say which is which.
/// </summary>
/// <remarks>
/// Distances are taken a block at a time (never an n x m matrix) with a float32 matrix product, and every comparison that
/// float32 round-off could decide wrongly is redone in float64 (see <see cref="SquaredDistances"/>): the result equals an
/// exact float64 computation. One pass over the real x generated blocks yields all four numbers.
/// </remarks>
public static class PrecisionRecallDensityCoverage
{
    const int RealBlock = 1024;
    const int GeneratedBlock = 2048;

    /// <param name="real">The real (reference) features.</param>
    /// <param name="generated">The generated features.</param>
    /// <param name="k">The neighbour that sets each radius (the DLSM paper: 3 on images; its toy code: 5).</param>
    public static PrdcResult Compute(FeatureMatrix real, FeatureMatrix generated, int k = 3) =>
        Compute(RealSetReference.ForPrdc(real, k), generated);

    /// <summary>Against a real set whose radii were computed (and maybe saved) before.</summary>
    public static PrdcResult Compute(RealSetReference real, FeatureMatrix generated)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        var realFeatures = real.Features ?? throw new ArgumentException("This real-set reference holds no features; build it with PRDC radii.", nameof(real));
        var realRadii = real.SquaredRadii ?? throw new ArgumentException("This real-set reference holds no k-NN radii; build it with PRDC radii.", nameof(real));
        int k = real.K;
        realFeatures.RequireSameDimension(generated);
        RequireEnough(generated, k);
        using var scope = NewDisposeScope();
        var r = tensor(realFeatures.Values, new long[] { realFeatures.Rows, realFeatures.Dimension });
        var g = tensor(generated.Values, new long[] { generated.Rows, generated.Dimension });
        var origin = tensor(real.FeatureMean!);
        var realSquaredRadii = tensor(realRadii);
        var generatedSquaredRadii = NearestNeighbourRadii.Squared(g, origin, k);
        var result = Compare(r, g, origin, realSquaredRadii, generatedSquaredRadii, k);
        return result with { Warning = DuplicateWarning(realRadii, generatedSquaredRadii) };
    }

    internal static void RequireEnough(FeatureMatrix set, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (set.Rows < k + 1)
            throw new ArgumentException($"The {set.Name} set has {set.Rows} rows; k-NN radii with k = {k} need at least k + 1 = {k + 1}.");
    }

    static PrdcResult Compare(Tensor real, Tensor generated, Tensor origin, Tensor realSquaredRadii, Tensor generatedSquaredRadii, int k)
    {
        long n = real.shape[0], m = generated.shape[0];
        using var distances = new SquaredDistances(real, generated, origin);
        var precisionHit = zeros(m, dtype: ScalarType.Bool);
        var densityCount = zeros(m, dtype: ScalarType.Int64);
        var coverageHit = zeros(n, dtype: ScalarType.Bool);
        var recallHit = zeros(n, dtype: ScalarType.Bool);
        var realRadii32 = realSquaredRadii.to(ScalarType.Float32).unsqueeze(1);
        var generatedRadii32 = generatedSquaredRadii.to(ScalarType.Float32).unsqueeze(0);
        // float32 rounding of the radii themselves joins each value's bound.
        var realSlack = realRadii32 * (float)Math.Pow(2, -23);
        var generatedSlack = generatedRadii32 * (float)Math.Pow(2, -23);
        for (long j = 0; j < m; j += GeneratedBlock)
        {
            using var columnScope = NewDisposeScope();
            long bj = Math.Min(GeneratedBlock, m - j);
            var columns = distances.CentredB(j, bj);
            for (long i = 0; i < n; i += RealBlock)
            {
                using var blockScope = NewDisposeScope();
                long bi = Math.Min(RealBlock, n - i);
                var fast = distances.Fast(distances.CentredA(i, bi), i, columns, j);
                var bound = distances.Bound(i, bi, j, bj);
                var rX = realRadii32.narrow(0, i, bi);
                var rY = generatedRadii32.narrow(1, j, bj);
                var inReal = fast < rX;        // d(X_i, Y_j) < r_k(X_i): precision, density, coverage
                var inGenerated = fast < rY;   // d(X_i, Y_j) < r_k(Y_j): recall
                var unsure = (fast - rX).abs_() <= bound + realSlack.narrow(0, i, bi);
                unsure.logical_or_((fast - rY).abs_() <= bound + generatedSlack.narrow(1, j, bj));
                var pairs = unsure.nonzero();   // row-major, the order masked_scatter_ fills in
                if (pairs.shape[0] > 0)
                {
                    var p = pairs.select(1, 0);
                    var q = pairs.select(1, 1);
                    var exact = distances.Exact(p + i, q + j);
                    inReal.masked_scatter_(unsure, exact < realSquaredRadii.index_select(0, p + i));
                    inGenerated.masked_scatter_(unsure, exact < generatedSquaredRadii.index_select(0, q + j));
                }
                var precisionSlice = precisionHit.narrow(0, j, bj);
                precisionSlice.logical_or_(inReal.any(0));
                densityCount.narrow(0, j, bj).add_(inReal.sum(0, type: ScalarType.Int64));
                coverageHit.narrow(0, i, bi).logical_or_(inReal.any(1));
                recallHit.narrow(0, i, bi).logical_or_(inGenerated.any(1));
            }
        }
        double precision = precisionHit.sum().item<long>() / (double)m;
        double recall = recallHit.sum().item<long>() / (double)n;
        double density = densityCount.sum().item<long>() / ((double)k * m);
        double coverage = coverageHit.sum().item<long>() / (double)n;
        return new PrdcResult(precision, recall, density, coverage, k, (int)n, (int)m, null);
    }

    static string? DuplicateWarning(double[] realSquaredRadii, Tensor generatedSquaredRadii)
    {
        int realZero = realSquaredRadii.Count(r => r == 0);
        long generatedZero = (generatedSquaredRadii == 0).sum().item<long>();
        if (realZero == 0 && generatedZero == 0) return null;
        return $"{realZero} real and {generatedZero} generated points have k-NN radius 0 (at least k exact duplicates): their balls are empty, " +
               "which lowers precision/density (real) or recall (generated). Remove duplicate rows.";
    }
}

/// <param name="Precision">Share of generated points inside the real manifold.</param>
/// <param name="Recall">Share of real points inside the generated manifold.</param>
/// <param name="Density">Mean count of real balls containing a generated point, divided by k (can exceed 1).</param>
/// <param name="Coverage">Share of real balls containing at least one generated point.</param>
/// <param name="Warning">Set when duplicate points make some radii 0.</param>
public sealed record PrdcResult(double Precision, double Recall, double Density, double Coverage, int K, int RealCount, int GeneratedCount, string? Warning);
