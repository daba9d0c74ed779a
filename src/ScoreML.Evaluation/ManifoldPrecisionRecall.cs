using static TorchSharp.torch;

namespace ScoreML.Evaluation;

/// <summary>
/// Improved precision and recall (Kynkaanniemi et al. 2019) as the public reference code computes them: each set's manifold is
/// the union of balls around its points with radius the distance to the k-th nearest other point of the same set; precision is
/// the share of generated points strictly inside the real manifold, recall the share of real points strictly inside the
/// generated one. Distances are computed in blocks, in float64, so no n x n matrix is held.
/// </summary>
public static class ManifoldPrecisionRecall
{
    const int Block = 2048;

    /// <param name="real">Row-major [n, D] real points.</param>
    /// <param name="generated">Row-major [m, D] generated points.</param>
    /// <param name="dimension">D.</param>
    /// <param name="k">The neighbour that sets each radius (the DLSM toy study: 5).</param>
    public static (double Precision, double Recall) Compute(float[] real, float[] generated, int dimension, int k = 3)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be positive.");
        if (real.Length % dimension != 0 || real.Length / dimension < k + 1)
            throw new ArgumentException($"The real set needs at least k + 1 = {k + 1} rows of {dimension} values.", nameof(real));
        if (generated.Length % dimension != 0 || generated.Length / dimension < k + 1)
            throw new ArgumentException($"The generated set needs at least k + 1 = {k + 1} rows of {dimension} values.", nameof(generated));
        using var scope = NewDisposeScope();
        var r = tensor(real, new long[] { real.Length / dimension, dimension }).to(ScalarType.Float64);
        var g = tensor(generated, new long[] { generated.Length / dimension, dimension }).to(ScalarType.Float64);
        var realRadii = KthNeighbourDistances(r, k);
        var generatedRadii = KthNeighbourDistances(g, k);
        return (ShareInside(g, r, realRadii), ShareInside(r, g, generatedRadii));
    }

    /// <summary>For each row, the distance to its k-th nearest other row (the row itself, at distance 0, is the 0-th).</summary>
    static Tensor KthNeighbourDistances(Tensor points, int k)
    {
        var radii = new List<Tensor>();
        for (long start = 0; start < points.shape[0]; start += Block)
        {
            using var blockScope = NewDisposeScope();   // frees each block's distances before the next
            var block = points.narrow(0, start, Math.Min(Block, points.shape[0] - start));
            var d = cdist(block, points);
            radii.Add(d.topk(k + 1, dim: 1, largest: false).values.select(1, k).MoveToOuterDisposeScope());
        }
        return cat(radii, 0);
    }

    /// <summary>The share of <paramref name="queries"/> strictly closer than radius_j to some point j of <paramref name="centres"/>.</summary>
    static double ShareInside(Tensor queries, Tensor centres, Tensor radii)
    {
        long inside = 0;
        for (long start = 0; start < queries.shape[0]; start += Block)
        {
            using var blockScope = NewDisposeScope();
            var block = queries.narrow(0, start, Math.Min(Block, queries.shape[0] - start));
            var d = cdist(block, centres);
            inside += (d < radii.unsqueeze(0)).any(1).sum().item<long>();
        }
        return inside / (double)queries.shape[0];
    }
}
