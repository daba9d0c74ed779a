namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// For every point of a set, the squared distance to its k-th nearest other point of the same set (the (k+1)-th smallest
/// entry of its distance row, the point itself being the first at 0), as the k-NN manifold estimates of Kynkaanniemi et
/// al. 2019 and Naeem et al. 2020 define their radii. Never holds an n x n matrix: blocks on and above the diagonal are
/// computed once (distances are symmetric), each block's values go to its rows and to its columns, and each point keeps
/// only its nearest candidates. The candidates are then ranked by their exact float64 distances.
/// </summary>
internal static class NearestNeighbourRadii
{
    const int Block = 1024;
    // Candidates kept per row beyond the k + 1 needed, so that the exact ranking can promote a candidate that float32
    // round-off ranked lower. A row whose margin is too thin for that is recomputed in float64.
    const int ExtraCandidates = 8;

    /// <summary>Squared radii in float64, one per row of <paramref name="points"/> (which has more than k rows).</summary>
    /// <param name="points">The set, more than k rows.</param>
    /// <param name="origin">The centre for the fast distances, e.g. the set's mean.</param>
    /// <param name="k">Which nearest other point, at least 1.</param>
    public static double[] Squared(FeatureMatrix points, double[] origin, int k)
    {
        int n = points.Rows;
        int keep = Math.Min(n, k + 1 + ExtraCandidates);
        var candidates = new NearestCandidates(n, keep);
        using var distances = new SquaredDistances(points, points, origin, Block, Block);
        for (int i = 0; i < n; i += Block)
        {
            int rows = Math.Min(Block, n - i);
            for (int j = i; j < n; j += Block)
            {
                int columns = Math.Min(Block, n - j);
                var fast = distances.Fast(i, rows, j, columns);
                candidates.OfferRows(fast);
                if (j != i) candidates.OfferColumns(fast);
            }
        }
        return Rank(distances, candidates, k);
    }

    /// <summary>The (k+1)-th smallest exact distance among each row's candidates, checked against what was left out.</summary>
    static double[] Rank(SquaredDistances distances, NearestCandidates candidates, int k)
    {
        int n = candidates.Points, keep = candidates.Keep;
        var radii = new double[n];
        ParallelRanges.For(n, (start, count) =>
        {
            var exact = new double[keep];
            for (int i = start; i < start + count; i++)
            {
                for (int c = 0; c < keep; c++) exact[c] = distances.Exact(i, candidates.Index(i, c));
                Array.Sort(exact);
                radii[i] = exact[k];
                // Every point left out has a fast value >= the last candidate's, so an exact value >= that minus the bound;
                // when the radius is not below that floor, a left-out point could be nearer: take the whole row exactly.
                if (keep < n && radii[i] > candidates.Worst(i) - distances.RowBound(i))
                {
                    var row = distances.ExactRow(i);
                    Array.Sort(row);
                    radii[i] = row[k];
                }
            }
        });
        return radii;
    }
}
