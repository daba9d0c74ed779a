using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreML;

/// <summary>
/// Sample-quality metrics of a generated set against a real one, each with its confidence interval (the *Interval
/// properties; null when not computed). A metric that was not computed is null. Printable as a table (<see cref="ToTable"/>)
/// and serialisable to JSON with snake_case names (<see cref="ToJson"/>), where every metric computed on features carries
/// the features' name: fid_resnet18, kid_resnet18_ci, precision_classifier, ... (plain fid, kid, ... on the rows themselves).
/// </summary>
public sealed class GenerativeMetrics
{
    /// <summary>The Frechet distance between Gaussian fits of the real and the generated features (lower is better).</summary>
    [JsonPropertyName("fid")] public double? Fid { get; init; }
    /// <summary>FID's interval, from bootstrap resamples of the generated rows (the real statistics held fixed).</summary>
    [JsonPropertyName("fid_ci")] public ConfidenceInterval? FidInterval { get; init; }
    /// <summary>The kernel inception distance: the mean over subsets of the unbiased MMD^2 with a cubic polynomial kernel.</summary>
    [JsonPropertyName("kid")] public double? Kid { get; init; }
    /// <summary>KID's standard deviation over its subsets (population, as torch-fidelity reports it).</summary>
    [JsonPropertyName("kid_std")] public double? KidStd { get; init; }
    /// <summary>
    /// The range of the middle <see cref="ConfidenceInterval.Level"/> of the subsets' MMD^2 (the spread of one subset-sized KID,
    /// wider than the mean's own uncertainty), or, when one subset holds every row, a bootstrap over the generated rows.
    /// </summary>
    [JsonPropertyName("kid_ci")] public ConfidenceInterval? KidInterval { get; init; }
    /// <summary>The subsets KID drew (1 when one subset holds every row of both sets).</summary>
    [JsonPropertyName("kid_subsets")] public int? KidSubsets { get; init; }
    /// <summary>Rows of each set in a KID subset.</summary>
    [JsonPropertyName("kid_subset_size")] public int? KidSubsetSize { get; init; }
    /// <summary>The Inception Score, the mean over <see cref="InceptionSplits"/> splits of the generated rows (higher is better).</summary>
    [JsonPropertyName("inception_score")] public double? InceptionScore { get; init; }
    /// <summary>The Inception Score's population standard deviation over its splits.</summary>
    [JsonPropertyName("inception_score_std")] public double? InceptionScoreStd { get; init; }
    /// <summary>The Inception Score's interval, from bootstrap resamples of the generated rows.</summary>
    [JsonPropertyName("inception_score_ci")] public ConfidenceInterval? InceptionScoreInterval { get; init; }
    /// <summary>The share of generated points inside some real point's k-NN ball (fidelity), in [0, 1].</summary>
    [JsonPropertyName("precision")] public double? Precision { get; init; }
    /// <summary>Precision's interval, from bootstrap resamples of the generated rows.</summary>
    [JsonPropertyName("precision_ci")] public ConfidenceInterval? PrecisionInterval { get; init; }
    /// <summary>The share of real points inside some generated point's k-NN ball (diversity), in [0, 1].</summary>
    [JsonPropertyName("recall")] public double? Recall { get; init; }
    /// <summary>Recall averages over the real rows, so its interval resamples those (the generated set held fixed).</summary>
    [JsonPropertyName("recall_ci")] public ConfidenceInterval? RecallInterval { get; init; }
    /// <summary>The mean number of real k-NN balls holding a generated point, divided by k: about 1 when the sets match, and it
    /// can exceed 1.</summary>
    [JsonPropertyName("density")] public double? Density { get; init; }
    /// <summary>Density's interval, from bootstrap resamples of the generated rows.</summary>
    [JsonPropertyName("density_ci")] public ConfidenceInterval? DensityInterval { get; init; }
    /// <summary>The share of real k-NN balls that hold at least one generated point, in [0, 1].</summary>
    [JsonPropertyName("coverage")] public double? Coverage { get; init; }
    /// <summary>Coverage averages over the real rows, so its interval resamples those (the generated set held fixed).</summary>
    [JsonPropertyName("coverage_ci")] public ConfidenceInterval? CoverageInterval { get; init; }
    /// <summary>The classification accuracy score: the accuracy, in [0, 1], on the real rows of a classifier trained on the generated
    /// rows and their classes.</summary>
    [JsonPropertyName("cas")] public double? Cas { get; init; }
    /// <summary>Wilson's interval for CAS's accuracy on the real rows (the classifier trained on the generated rows held fixed).</summary>
    [JsonPropertyName("cas_ci")] public ConfidenceInterval? CasInterval { get; init; }
    /// <summary>The bootstrap resamples behind the intervals (0: none were computed).</summary>
    [JsonPropertyName("interval_resamples")] public int IntervalResamples { get; init; }
    /// <summary>Precision, recall, density and coverage within each class; null when not computed.</summary>
    [JsonPropertyName("classwise")] public ClassWiseMetrics? ClassWise { get; init; }
    /// <summary>The k of the k-NN balls (<see cref="GenerativeEvaluationOptions.K"/>).</summary>
    [JsonPropertyName("k")] public int K { get; init; }
    /// <summary>The Inception Score's splits (<see cref="GenerativeEvaluationOptions.InceptionSplits"/>).</summary>
    [JsonPropertyName("inception_splits")] public int InceptionSplits { get; init; }
    /// <summary>Rows of the real set.</summary>
    [JsonPropertyName("real_count")] public int RealCount { get; init; }
    /// <summary>Rows of the generated set.</summary>
    [JsonPropertyName("generated_count")] public int GeneratedCount { get; init; }
    /// <summary>The feature extractor's identity: numbers from different extractors are not comparable.</summary>
    [JsonPropertyName("extractor")] public string Extractor { get; init; } = "";
    /// <summary>The features' short name (<see cref="IFeatureExtractor.Name"/>), which the metrics' JSON names carry; empty for the rows themselves.</summary>
    [JsonPropertyName("features")] public string FeatureName { get; init; } = "";
    /// <summary>What was skipped and why, and what may distort a number (e.g. duplicate rows); also written to the MLContext's log.</summary>
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // readable quotes in warnings
    };

    /// <summary>The JSON names of the metrics computed on features, before <see cref="FeatureName"/> is inserted after the metric's name.</summary>
    static readonly Dictionary<string, string> FeatureMetrics = new[] { "fid", "kid", "inception_score", "precision", "recall", "density", "coverage" }
        .SelectMany(m => new[] { (m, m), (m + "_ci", m), (m + "_std", m) }).Append(("classwise", "classwise"))
        .ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>Indented JSON; metrics computed on features are named after them (fid_resnet18, fid_resnet18_ci, kid_resnet18_std).</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        if (FeatureName.Length == 0) return node.ToJsonString(Json);
        var named = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            named[FeatureMetrics.TryGetValue(key, out var metric) ? metric + "_" + FeatureName + key[metric.Length..] : key] = value;
        }
        return named.ToJsonString(Json);
    }

    /// <summary>"[lo, hi]" after a value in the table, or nothing.</summary>
    static string Interval(ConfidenceInterval? interval) =>
        interval is null ? "" : string.Create(CultureInfo.InvariantCulture, $"  [{interval.Lower:0.0000}, {interval.Upper:0.0000}]");

    /// <summary>A plain-text table: the set sizes and the extractor, every computed metric with its interval, the class-wise
    /// metrics and the warnings.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine($"{RealCount} real and {GeneratedCount} generated samples; features: {Extractor}");
        if (IntervalResamples > 0 || CasInterval is not null)
            text.AppendLine($"  [{(FidInterval ?? KidInterval ?? PrecisionInterval ?? CasInterval)?.Level * 100:0.#} % confidence intervals; {IntervalResamples} bootstrap resamples]");
        void Line(string name, double? value, ConfidenceInterval? interval, string? extra = null)
        {
            if (value is double v) text.AppendLine($"  {name,-16}{v.ToString("0.0000", CultureInfo.InvariantCulture),12}{Interval(interval)}{extra}");
        }
        Line("FID", Fid, FidInterval);
        Line("KID", Kid, KidInterval, KidStd is double ks ? string.Create(CultureInfo.InvariantCulture, $"  std {ks:0.0000} ({KidSubsets} subsets of {KidSubsetSize})") : null);
        Line("IS", InceptionScore, InceptionScoreInterval, InceptionScoreStd is double s ? $"  std {s.ToString("0.0000", CultureInfo.InvariantCulture)} ({InceptionSplits} splits)" : null);
        Line($"precision (k={K})", Precision, PrecisionInterval);
        Line("recall", Recall, RecallInterval);
        Line("density", Density, DensityInterval);
        Line("coverage", Coverage, CoverageInterval);
        Line("CAS", Cas, CasInterval);
        if (ClassWise is not null)
        {
            text.AppendLine($"  {"class",-16}{"precision",12}{"recall",12}{"density",12}{"coverage",12}{"real",8}{"generated",10}");
            foreach (var c in ClassWise.PerClass.Append(ClassWise.Mean))
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {c.Label,-16}{c.Precision,12:0.0000}{c.Recall,12:0.0000}{c.Density,12:0.0000}{c.Coverage,12:0.0000}{c.RealCount,8}{c.GeneratedCount,10}"));
        }
        foreach (var w in Warnings) text.AppendLine($"  warning: {w}");
        return text.ToString();
    }
}

/// <summary>Precision, recall, density and coverage per class, and their unweighted mean over classes.</summary>
public sealed class ClassWiseMetrics
{
    /// <summary>One entry per class that had enough rows (a class with k or fewer real or generated rows is left out, with a warning).</summary>
    [JsonPropertyName("per_class")] public IReadOnlyList<ClassMetrics> PerClass { get; init; } = Array.Empty<ClassMetrics>();
    /// <summary>The unweighted mean over <see cref="PerClass"/> (Class -1, Label "mean").</summary>
    [JsonPropertyName("mean")] public ClassMetrics Mean { get; init; } = null!;
}

/// <param name="Class">0-based class (-1 for the mean).</param>
/// <param name="Label">The class's original label value when known, else its number ("mean" for the mean).</param>
/// <param name="Precision">The share of the class's generated points inside some real point's k-NN ball of the class.</param>
/// <param name="Recall">The share of the class's real points inside some generated point's k-NN ball of the class.</param>
/// <param name="Density">The mean number of the class's real balls holding one of its generated points, divided by k.</param>
/// <param name="Coverage">The share of the class's real balls holding at least one of its generated points.</param>
/// <param name="RealCount">The class's real rows (for the mean, the total over the classes in <see cref="ClassWiseMetrics.PerClass"/>).</param>
/// <param name="GeneratedCount">The class's generated rows (for the mean, the total over the classes in <see cref="ClassWiseMetrics.PerClass"/>).</param>
public sealed record ClassMetrics(
    [property: JsonPropertyName("class")] int Class,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("density")] double Density,
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("real_count")] int RealCount,
    [property: JsonPropertyName("generated_count")] int GeneratedCount);
