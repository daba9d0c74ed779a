namespace TwoMoons;

/// <summary>A point estimate with its 95 % bootstrap percentile interval [Low, High].</summary>
internal readonly record struct Estimate(double Value, double Low, double High)
{
    /// <summary>The estimate with the 2.5 % and 97.5 % percentiles of the bootstrap replicates as its interval.</summary>
    public static Estimate FromReplicates(double value, double[] replicates)
    {
        var sorted = replicates.Order().ToArray();
        int last = sorted.Length - 1;
        return new Estimate(value, sorted[(int)Math.Floor(0.025 * last)], sorted[(int)Math.Ceiling(0.975 * last)]);
    }

    /// <summary>Whether the two intervals share a point: then this study cannot tell the two apart.</summary>
    public bool Overlaps(Estimate other) => Low <= other.High && other.Low <= High;
}
