namespace ScoreML.Data;

/// <summary>Standard normal draws from a seeded <see cref="Random"/> (Box-Muller), stable across runs and platforms.</summary>
internal sealed class SeededNormal
{
    readonly Random random;
    double? spare;

    public SeededNormal(int seed) => random = new Random(seed);

    public double Uniform() => random.NextDouble();
    public int Integer(int maxExclusive) => random.Next(maxExclusive);

    public double Next()
    {
        if (spare is double s) { spare = null; return s; }
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        spare = radius * Math.Sin(2 * Math.PI * u2);
        return radius * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fisher-Yates permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
