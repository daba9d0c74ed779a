using System.Globalization;
using System.Text.Json.Serialization;

namespace ScoreML;

/// <summary>
/// A confidence interval [<see cref="Lower"/>, <see cref="Upper"/>] at <see cref="Level"/> (0.95 for 95 %), and the ways this
/// library makes one: from bootstrap replicates, from an accuracy on independent trials (Wilson), and from repeated runs
/// (Student's t over seeds, or over paired differences between two methods run with the same seeds).
/// </summary>
public sealed record ConfidenceInterval(
    [property: JsonPropertyName("lower")] double Lower,
    [property: JsonPropertyName("upper")] double Upper,
    [property: JsonPropertyName("level")] double Level)
{
    /// <summary>The widest level accepted: beyond it the quantiles need more resamples or runs than anyone makes.</summary>
    public const double MaxLevel = 0.999;

    /// <summary>Half the width: what a "± h" reports for a symmetric interval.</summary>
    [JsonIgnore] public double HalfWidth => (Upper - Lower) / 2;

    /// <summary>Whether the interval holds <paramref name="value"/> (for a difference: whether 0 is inside, i.e. "cannot tell").</summary>
    public bool Contains(double value) => Lower <= value && value <= Upper;

    /// <summary>
    /// The percentile interval of bootstrap <paramref name="replicates"/>, moved by <paramref name="estimate"/> minus the
    /// replicates' mean. The move removes the resampling's own bias while keeping its spread: a resample holds about 63 % of
    /// the distinct rows, and duplicate rows bias FID upward and KID's pairs (a row paired with its own copy). Clipped to
    /// [<paramref name="lowest"/>, <paramref name="highest"/>], the metric's possible range.
    /// </summary>
    public static ConfidenceInterval FromReplicates(double estimate, IReadOnlyList<double> replicates, double level = 0.95,
        double lowest = double.NegativeInfinity, double highest = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(replicates);
        RequireLevel(level);
        if (replicates.Count < 2) throw new ArgumentException($"A bootstrap interval needs at least 2 replicates; there are {replicates.Count}.", nameof(replicates));
        var sorted = replicates.Order().ToArray();
        int last = sorted.Length - 1;
        double tail = (1 - level) / 2, shift = estimate - sorted.Average();
        return new ConfidenceInterval(Math.Clamp(sorted[(int)Math.Floor(tail * last)] + shift, lowest, highest),
            Math.Clamp(sorted[(int)Math.Ceiling((1 - tail) * last)] + shift, lowest, highest), level);
    }

    /// <summary>
    /// Wilson's score interval for an accuracy measured on <paramref name="trials"/> independent trials (e.g. CAS on the real
    /// test rows): it stays inside [0, 1] and keeps its coverage near 0 and 1, unlike the normal approximation.
    /// </summary>
    public static ConfidenceInterval Wilson(double accuracy, int trials, double level = 0.95)
    {
        RequireLevel(level);
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "Wilson's interval needs at least one trial.");
        if (!(accuracy >= 0 && accuracy <= 1)) throw new ArgumentOutOfRangeException(nameof(accuracy), accuracy, "An accuracy lies in [0, 1].");
        double z = StudentT.TwoSidedQuantile(level, double.PositiveInfinity);
        double denominator = 1 + z * z / trials;
        double centre = (accuracy + z * z / (2.0 * trials)) / denominator;
        double half = z * Math.Sqrt(accuracy * (1 - accuracy) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return new ConfidenceInterval(Math.Max(0, centre - half), Math.Min(1, centre + half), level);
    }

    /// <summary>
    /// The mean of <paramref name="values"/> (one per independent run, e.g. per seed with everything retrained) with Student's
    /// t interval, mean ± t(level, n - 1) s / sqrt(n). Needs two runs or more.
    /// </summary>
    public static ConfidenceInterval AcrossRuns(IReadOnlyList<double> values, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        RequireLevel(level);
        if (values.Count < 2) throw new ArgumentException($"An interval across runs needs at least 2 runs; there are {values.Count}.", nameof(values));
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("Every run's value must be finite.", nameof(values));
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double half = StudentT.TwoSidedQuantile(level, values.Count - 1) * sd / Math.Sqrt(values.Count);
        return new ConfidenceInterval(mean - half, mean + half, level);
    }

    /// <summary>
    /// The mean difference <paramref name="a"/> − <paramref name="b"/> of two methods run with the same seeds (pairs in the same
    /// order) and its t interval: pairing removes what the two runs of a seed share (data order, initialisation).
    /// </summary>
    public static ConfidenceInterval PairedDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"Paired runs need as many values on each side; there are {a.Count} and {b.Count}.", nameof(b));
        return AcrossRuns(a.Zip(b, (x, y) => x - y).ToArray(), level);
    }

    /// <summary>The middle <paramref name="level"/> of <paramref name="values"/> (KID's random subsets, which carry their own spread).</summary>
    internal static ConfidenceInterval Percentiles(IReadOnlyList<double> values, double level)
    {
        var sorted = values.Order().ToArray();
        int last = sorted.Length - 1;
        double tail = (1 - level) / 2;
        return new ConfidenceInterval(sorted[(int)Math.Floor(tail * last)], sorted[(int)Math.Ceiling((1 - tail) * last)], level);
    }

    /// <summary>"[0.612, 0.631]".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Lower:G4}, {Upper:G4}]");

    internal static void RequireLevel(double level, string option = "level")
    {
        if (!(level >= 0.5 && level <= MaxLevel))
            throw OptionChecks.Refusal(option, $"a number in [0.5, {MaxLevel.ToString(CultureInfo.InvariantCulture)}]", level.ToString(CultureInfo.InvariantCulture));
    }
}
