using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreML;

/// <summary>
/// Sample-quality metrics of a generated set against a real one. A metric that was not computed is null. Printable as a table
/// (<see cref="ToTable"/>) and serialisable to JSON with snake_case names (<see cref="ToJson"/>).
/// </summary>
public sealed class GenerativeMetrics
{
    [JsonPropertyName("fid")] public double? Fid { get; init; }
    /// <summary>The kernel inception distance: the mean over subsets of the unbiased MMD^2 with a cubic polynomial kernel.</summary>
    [JsonPropertyName("kid")] public double? Kid { get; init; }
    /// <summary>KID's standard deviation over its subsets (population, as torch-fidelity reports it).</summary>
    [JsonPropertyName("kid_std")] public double? KidStd { get; init; }
    /// <summary>The subsets KID drew (1 when one subset holds every row of both sets).</summary>
    [JsonPropertyName("kid_subsets")] public int? KidSubsets { get; init; }
    /// <summary>Rows of each set in a KID subset.</summary>
    [JsonPropertyName("kid_subset_size")] public int? KidSubsetSize { get; init; }
    [JsonPropertyName("inception_score")] public double? InceptionScore { get; init; }
    [JsonPropertyName("inception_score_std")] public double? InceptionScoreStd { get; init; }
    [JsonPropertyName("precision")] public double? Precision { get; init; }
    [JsonPropertyName("recall")] public double? Recall { get; init; }
    [JsonPropertyName("density")] public double? Density { get; init; }
    [JsonPropertyName("coverage")] public double? Coverage { get; init; }
    [JsonPropertyName("cas")] public double? Cas { get; init; }
    [JsonPropertyName("classwise")] public ClassWiseMetrics? ClassWise { get; init; }
    [JsonPropertyName("k")] public int K { get; init; }
    [JsonPropertyName("inception_splits")] public int InceptionSplits { get; init; }
    [JsonPropertyName("real_count")] public int RealCount { get; init; }
    [JsonPropertyName("generated_count")] public int GeneratedCount { get; init; }
    /// <summary>The feature extractor's identity: numbers from different extractors are not comparable.</summary>
    [JsonPropertyName("extractor")] public string Extractor { get; init; } = "";
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // readable quotes in warnings
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine($"{RealCount} real and {GeneratedCount} generated samples; features: {Extractor}");
        void Line(string name, double? value, string? extra = null)
        {
            if (value is double v) text.AppendLine($"  {name,-16}{v.ToString("0.0000", CultureInfo.InvariantCulture),12}{extra}");
        }
        Line("FID", Fid);
        Line("KID", Kid, KidStd is double ks ? string.Create(CultureInfo.InvariantCulture, $" ± {ks:0.0000} ({KidSubsets} subsets of {KidSubsetSize})") : null);
        Line("IS", InceptionScore, InceptionScoreStd is double s ? $" ± {s.ToString("0.0000", CultureInfo.InvariantCulture)} ({InceptionSplits} splits)" : null);
        Line($"precision (k={K})", Precision);
        Line("recall", Recall);
        Line("density", Density);
        Line("coverage", Coverage);
        Line("CAS", Cas);
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
    [JsonPropertyName("per_class")] public IReadOnlyList<ClassMetrics> PerClass { get; init; } = Array.Empty<ClassMetrics>();
    [JsonPropertyName("mean")] public ClassMetrics Mean { get; init; } = null!;
}

/// <param name="Class">0-based class (-1 for the mean).</param>
/// <param name="Label">The class's original label value when known, else its number ("mean" for the mean).</param>
public sealed record ClassMetrics(
    [property: JsonPropertyName("class")] int Class,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("density")] double Density,
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("real_count")] int RealCount,
    [property: JsonPropertyName("generated_count")] int GeneratedCount);
