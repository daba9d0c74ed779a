using ScoreML.Evaluation.Metrics;
using System.Numerics;

namespace ScoreML;

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
    public static PrdcResult Compute(RealSetReference real, FeatureMatrix generated) => ComputeWithRows(real, generated).Result;

    /// <summary>The four numbers and the per-row values they average (the evaluator resamples those for the intervals).</summary>
    internal static (PrdcResult Result, PrdcRows Rows) ComputeWithRows(RealSetReference real, FeatureMatrix generated)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        var realFeatures = real.Features ?? throw new ArgumentException("This real-set reference holds no features; build it with PRDC radii.", nameof(real));
        var realRadii = real.SquaredRadii ?? throw new ArgumentException("This real-set reference holds no k-NN radii; build it with PRDC radii.", nameof(real));
        int k = real.K;
        realFeatures.RequireSameDimension(generated);
        RequireEnough(generated, k);
        var origin = real.FeatureMean!;
        var generatedRadii = NearestNeighbourRadii.Squared(generated, origin, k);
        var (result, rows) = Compare(realFeatures, generated, origin, realRadii, generatedRadii, k);
        return (result with { Warning = DuplicateWarning(realRadii, generatedRadii) }, rows);
    }

    internal static void RequireEnough(FeatureMatrix set, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (set.Rows < k + 1)
            throw new ArgumentException($"The {set.Name} set has {set.Rows} rows; k-NN radii with k = {k} need at least k + 1 = {k + 1}.");
    }

    static (PrdcResult, PrdcRows) Compare(FeatureMatrix real, FeatureMatrix generated, double[] origin, double[] realRadii, double[] generatedRadii, int k)
    {
        int n = real.Rows, m = generated.Rows;
        using var distances = new SquaredDistances(real, generated, origin, RealBlock, GeneratedBlock);
        var realBalls = new NeighbourBalls(realRadii);
        var generatedBalls = new NeighbourBalls(generatedRadii);
        var densityCount = new long[m];    // real balls holding each generated point; > 0 means it counts for precision
        var coverageHit = new bool[n];     // the real ball holds a generated point
        var recallHit = new bool[n];       // the real point is in a generated ball
        for (int j = 0; j < m; j += GeneratedBlock)
        {
            int columns = Math.Min(GeneratedBlock, m - j);
            for (int i = 0; i < n; i += RealBlock)
            {
                var block = distances.Fast(i, Math.Min(RealBlock, n - i), j, columns);
                var counts = new int[columns];
                ParallelRanges.For(block.Rows, (start, count) =>
                {
                    var ownCounts = new int[columns];
                    for (int r = start; r < start + count; r++)
                        ScanRow(block, r, distances, realBalls, generatedBalls, ownCounts, coverageHit, recallHit);
                    lock (counts)
                        for (int c = 0; c < columns; c++) counts[c] += ownCounts[c];
                });
                for (int c = 0; c < columns; c++) densityCount[j + c] += counts[c];
            }
        }
        double precision = densityCount.Count(c => c > 0) / (double)m;
        double recall = recallHit.Count(h => h) / (double)n;
        double density = densityCount.Sum() / ((double)k * m);
        double coverage = coverageHit.Count(h => h) / (double)n;
        return (new PrdcResult(precision, recall, density, coverage, k, n, m, null), new PrdcRows(densityCount, recallHit, coverageHit));
    }

    /// <summary>
    /// One real point against a block of generated points: which generated points lie in its ball (d &lt; r(X_i)), and
    /// whether it lies in any of theirs (d &lt; r(Y_j)). A vector of pairs whose fast distance is within round-off of
    /// either radius is decided pair by pair, exactly where needed.
    /// </summary>
    static void ScanRow(DistanceBlock block, int r, SquaredDistances distances, NeighbourBalls realBalls, NeighbourBalls generatedBalls,
                        int[] counts, bool[] coverageHit, bool[] recallHit)
    {
        int x = block.RowStart + r;
        var row = block.Row(r);
        float radius = realBalls.Radius32[x];
        var radiusX = new Vector<float>(radius);
        var slackX = new Vector<float>(realBalls.Slack32[x]);
        var normX = new Vector<float>(distances.NormsA[x]);
        var relative = new Vector<float>(SquaredDistances.RelativeBound);
        var normsY = distances.NormsB.AsSpan(block.ColumnStart, block.Columns);
        var radiiY = generatedBalls.Radius32.AsSpan(block.ColumnStart, block.Columns);
        var slackY = generatedBalls.Slack32.AsSpan(block.ColumnStart, block.Columns);
        bool covered = false, recalled = false;
        int width = Vector<float>.Count, c = 0;
        for (; c <= row.Length - width; c += width)
        {
            var d = new Vector<float>(row[c..]);
            var radiusY = new Vector<float>(radiiY[c..]);
            var bound = (normX + new Vector<float>(normsY[c..])) * relative;
            var unsure = Vector.LessThanOrEqual(Vector.Abs(d - radiusX), bound + slackX)
                       | Vector.LessThanOrEqual(Vector.Abs(d - radiusY), bound + new Vector<float>(slackY[c..]));
            if (unsure != Vector<int>.Zero)
            {
                for (int lane = c; lane < c + width; lane++) ScanPair(block, x, lane, row[lane], distances, realBalls, generatedBalls, counts, ref covered, ref recalled);
                continue;
            }
            var inX = Vector.LessThan(d, radiusX);
            if (inX != Vector<int>.Zero)
            {
                covered = true;
                (new Vector<int>(counts, c) - inX).CopyTo(counts, c);   // a true lane is -1
            }
            recalled |= Vector.LessThanAny(d, radiusY);
        }
        for (; c < row.Length; c++) ScanPair(block, x, c, row[c], distances, realBalls, generatedBalls, counts, ref covered, ref recalled);
        if (covered) coverageHit[x] = true;
        if (recalled) recallHit[x] = true;
    }

    static void ScanPair(DistanceBlock block, int x, int c, float d, SquaredDistances distances, NeighbourBalls realBalls, NeighbourBalls generatedBalls,
                         int[] counts, ref bool covered, ref bool recalled)
    {
        int y = block.ColumnStart + c;
        float bound = distances.Bound(x, y);
        bool unsureX = Math.Abs(d - realBalls.Radius32[x]) <= bound + realBalls.Slack32[x];
        bool unsureY = Math.Abs(d - generatedBalls.Radius32[y]) <= bound + generatedBalls.Slack32[y];
        double exact = unsureX || unsureY ? distances.Exact(x, y) : double.NaN;
        bool inX = unsureX ? exact < realBalls.Radius[x] : d < realBalls.Radius32[x];
        bool inY = unsureY ? exact < generatedBalls.Radius[y] : d < generatedBalls.Radius32[y];
        if (inX)
        {
            covered = true;
            counts[c]++;
        }
        recalled |= inY;
    }

    static string? DuplicateWarning(double[] realSquaredRadii, double[] generatedSquaredRadii)
    {
        int realZero = realSquaredRadii.Count(r => r == 0);
        int generatedZero = generatedSquaredRadii.Count(r => r == 0);
        if (realZero == 0 && generatedZero == 0) return null;
        return $"{realZero} real and {generatedZero} generated points have k-NN radius 0 (at least k exact duplicates): their balls are empty, " +
               "which lowers precision/density (real) or recall (generated). Remove duplicate rows.";
    }
}

/// <param name="Precision">Share of generated points inside the real manifold.</param>
/// <param name="Recall">Share of real points inside the generated manifold.</param>
/// <param name="Density">Mean count of real balls containing a generated point, divided by k (can exceed 1).</param>
/// <param name="Coverage">Share of real balls containing at least one generated point.</param>
/// <param name="K">The k of the k-NN balls.</param>
/// <param name="RealCount">Rows of the real set.</param>
/// <param name="GeneratedCount">Rows of the generated set.</param>
/// <param name="Warning">Set when duplicate points make some radii 0.</param>
public sealed record PrdcResult(double Precision, double Recall, double Density, double Coverage, int K, int RealCount, int GeneratedCount, string? Warning);

/// <param name="RealBallsHolding">Per generated row: how many real balls hold it (precision: &gt; 0; density: the mean / k).</param>
/// <param name="Recalled">Per real row: whether it lies in a generated ball (recall: the mean).</param>
/// <param name="Covered">Per real row: whether its ball holds a generated point (coverage: the mean).</param>
internal sealed record PrdcRows(long[] RealBallsHolding, bool[] Recalled, bool[] Covered);
