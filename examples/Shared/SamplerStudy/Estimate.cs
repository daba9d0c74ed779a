namespace ScoreML.Examples;

/// <summary>A point estimate with its 95 % bootstrap interval [Low, High].</summary>
internal readonly record struct Estimate(double Value, double Low, double High)
{
    /// <summary>
    /// The estimate with the 2.5 % and 97.5 % percentiles of the bootstrap replicates, moved by the estimate minus the replicates'
    /// mean. The move removes the resampling's own bias: a resample holds about 63 % of the distinct rows, which lowers recall
    /// (fewer generated balls), and its duplicate pairs add kernel values of 1 to MMD^2; the spread is kept as it is.
    /// </summary>
    /// <param name="lowest">The metric's smallest possible value: the moved interval is clipped to it (and to <paramref name="highest"/>).</param>
    public static Estimate FromReplicates(double value, double[] replicates, double lowest = double.NegativeInfinity, double highest = double.PositiveInfinity)
    {
        var sorted = replicates.Order().ToArray();
        int last = sorted.Length - 1;
        double shift = value - replicates.Average();
        return new Estimate(value, Math.Clamp(sorted[(int)Math.Floor(0.025 * last)] + shift, lowest, highest),
            Math.Clamp(sorted[(int)Math.Ceiling(0.975 * last)] + shift, lowest, highest));
    }

    /// <summary>
    /// An accuracy measured on <paramref name="trials"/> independent trials (e.g. test images) with Wilson's 95 % score
    /// interval, which stays inside [0, 1] and keeps its coverage near 0 and 1, unlike the normal approximation.
    /// </summary>
    public static Estimate Wilson(double accuracy, int trials)
    {
        const double z = 1.959964;
        double denominator = 1 + z * z / trials;
        double centre = (accuracy + z * z / (2 * trials)) / denominator;
        double half = z * Math.Sqrt(accuracy * (1 - accuracy) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return new Estimate(accuracy, centre - half, centre + half);
    }

    /// <summary>"0.844 [0.824, 0.856]", with three significant digits below 0.01.</summary>
    public override string ToString() => $"{Format(Value)} [{Format(Low)}, {Format(High)}]";

    static string Format(double v) => v.ToString(Math.Abs(v) < 0.01 ? "G3" : "F3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the two intervals share a point: then this study cannot tell the two apart.</summary>
    public bool Overlaps(Estimate other) => Low <= other.High && other.Low <= High;
}
