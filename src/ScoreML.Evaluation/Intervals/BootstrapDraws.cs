namespace ScoreML.Evaluation.Intervals;

/// <summary>
/// The rows of each bootstrap resample: <see cref="Resamples"/> arrays of n row indices drawn with replacement, from one seed,
/// so the same seed gives the same resamples and every metric of one evaluation is resampled alike. With strata (class
/// labels), each row is replaced by a row of its own class: a class-conditional sampler makes a fixed number of rows per class,
/// and resampling across classes would add the variation of class proportions that the design does not have.
/// </summary>
internal sealed class BootstrapDraws
{
    /// <param name="rows">Rows n of the set resampled.</param>
    /// <param name="resamples">Number of resamples.</param>
    /// <param name="seed">Seeds the draws.</param>
    /// <param name="strata">Per row, its stratum (class); null draws from every row.</param>
    public BootstrapDraws(int rows, int resamples, int seed, int[]? strata = null)
    {
        var random = new Random(seed);
        Rows = rows;
        var members = strata is null ? null : Enumerable.Range(0, rows).GroupBy(i => strata[i]).ToDictionary(g => g.Key, g => g.ToArray());
        Indices = new int[resamples][];
        for (int b = 0; b < resamples; b++)
        {
            var draw = Indices[b] = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                if (members is null) draw[i] = random.Next(rows);
                else
                {
                    var same = members[strata![i]];
                    draw[i] = same[random.Next(same.Length)];
                }
            }
        }
    }

    public int Rows { get; }
    public int Resamples => Indices.Length;
    public int[][] Indices { get; }

    /// <summary>The mean of a per-row quantity over each resample.</summary>
    public double[] Means(Func<int, double> perRow)
    {
        var values = new double[Rows];
        for (int i = 0; i < Rows; i++) values[i] = perRow(i);
        return Indices.Select(draw => draw.Sum(i => values[i]) / Rows).ToArray();
    }

    /// <summary>How often each row was drawn in resample <paramref name="b"/>.</summary>
    public int[] Counts(int b)
    {
        var counts = new int[Rows];
        foreach (int i in Indices[b]) counts[i]++;
        return counts;
    }

    /// <summary>The drawn rows of <paramref name="set"/> in resample <paramref name="b"/>, as a new set.</summary>
    public FeatureMatrix Take(FeatureMatrix set, int b)
    {
        int d = set.Dimension;
        var draw = Indices[b];
        var values = new float[(long)draw.Length * d];
        for (int i = 0; i < draw.Length; i++) Array.Copy(set.Values, (long)draw[i] * d, values, (long)i * d, d);
        return new FeatureMatrix(values, d, set.Name);
    }
}
