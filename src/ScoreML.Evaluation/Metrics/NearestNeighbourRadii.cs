using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// For every point of a set, the distance to its k-th nearest other point of the same set (the (k+1)-th smallest entry of
/// its distance row, the point itself being the first at 0), as the k-NN manifold estimates of Kynkaanniemi et al. 2019
/// and Naeem et al. 2020 define their radii. Never holds an n x n matrix: blocks on and above the diagonal are computed
/// once (distances are symmetric) and each row keeps only its nearest candidates; the candidates are then ranked by their
/// exact float64 distances.
/// </summary>
internal static class NearestNeighbourRadii
{
    const int Block = 1024;
    // Candidates kept per row beyond the k + 1 needed, so that the exact ranking can promote a candidate that float32
    // round-off ranked lower. A row whose margin is too thin for that is recomputed in float64.
    const int ExtraCandidates = 8;

    /// <summary>Squared radii, float64 [n].</summary>
    /// <param name="points">[n, D] float32, n &gt; k.</param>
    /// <param name="origin">[D] float64 centre for the fast distances.</param>
    public static Tensor Squared(Tensor points, Tensor origin, int k)
    {
        long n = points.shape[0];
        int keep = (int)Math.Min(n, k + 1 + ExtraCandidates);
        using var scope = NewDisposeScope();
        using var distances = new SquaredDistances(points, points, origin);
        var values = full(n, keep, float.PositiveInfinity, dtype: ScalarType.Float32);
        var index = zeros(n, keep, dtype: ScalarType.Int64);
        for (long i = 0; i < n; i += Block)
        {
            using var rowScope = NewDisposeScope();
            long bi = Math.Min(Block, n - i);
            var rows = distances.CentredA(i, bi);
            for (long j = i; j < n; j += Block)
            {
                using var blockScope = NewDisposeScope();
                long bj = Math.Min(Block, n - j);
                var fast = distances.Fast(rows, i, j == i ? rows : distances.CentredB(j, bj), j);
                Merge(values, index, i, bi, fast, j);
                if (j != i) Merge(values, index, j, bj, fast.t(), i);
            }
        }

        // Rank the candidates exactly; the k-th other neighbour is at position k.
        var owners = arange(n, dtype: ScalarType.Int64).repeat_interleave(keep);
        var exact = distances.Exact(owners, index.flatten()).view(n, keep);
        var radii = exact.sort(1).Values.select(1, k).contiguous();
        if (keep < n)
        {
            // Every non-candidate has a fast value >= the last candidate's, so an exact value >= that minus the bound.
            var floor = values.select(1, keep - 1).to(ScalarType.Float64) - distances.RowBound(0, n).squeeze(1);
            var unsettled = (radii > floor).nonzero().flatten();
            foreach (long row in unsettled.data<long>().ToArray())
                radii[row] = distances.ExactRow(row).kthvalue(k + 1, 0).values;
        }
        return radii.MoveToOuterDisposeScope();
    }

    /// <summary>Merges a block's columns into the rows' running nearest candidates.</summary>
    static void Merge(Tensor values, Tensor index, long rowStart, long rowCount, Tensor block, long columnStart)
    {
        int keep = (int)values.shape[1];
        var (blockValues, blockIndex) = block.topk((int)Math.Min(keep, block.shape[1]), dim: 1, largest: false);
        var rowsValues = values.narrow(0, rowStart, rowCount);
        var rowsIndex = index.narrow(0, rowStart, rowCount);
        var allValues = cat(new[] { rowsValues, blockValues }, 1);
        var allIndex = cat(new[] { rowsIndex, blockIndex + columnStart }, 1);
        var (merged, position) = allValues.topk(keep, dim: 1, largest: false);
        var mergedIndex = allIndex.gather(1, position);
        rowsValues.copy_(merged);
        rowsIndex.copy_(mergedIndex);
    }
}
