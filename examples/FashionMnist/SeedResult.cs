using System.Text.Json;
using ScoreML;

namespace FashionMnist;

/// <summary>A metric's value with its 95 % interval (null bounds: none), as the results store it.</summary>
internal sealed record MetricValue(double Value, double? Lower, double? Upper)
{
    public static MetricValue Of(double value, ConfidenceInterval? interval) => new(value, interval?.Lower, interval?.Upper);
}

/// <summary>
/// One seed's numbers: for each method and for the real floor (real training images against the test images at the same
/// size), metric name (fid_resnet18, kid_classifier, cas, ...) to value. Written to seed-N/results.json as soon as the seed
/// is done, so --resume skips a finished seed and a long --seeds run can be spread over several sittings.
/// </summary>
internal sealed class SeedResult
{
    public int Seed { get; init; }
    public Dictionary<string, Dictionary<string, MetricValue>> Methods { get; init; } = new();
    public Dictionary<string, MetricValue> Floor { get; init; } = new();
    /// <summary>Judge name (resnet18, classifier) to the extractor's identity: numbers from different identities are not comparable.</summary>
    public Dictionary<string, string> Judges { get; init; } = new();
    /// <summary>Per method and judge, the class-wise precision, recall, density and coverage of each class.</summary>
    public Dictionary<string, Dictionary<string, IReadOnlyList<ClassMetrics>>> PerClass { get; init; } = new();
    /// <summary>The guidance classifiers and guided scores on noised test images, by noise level (<see cref="GuidedScoreDiagnostics"/>).</summary>
    public List<NoiseLevelResult> NoiseLevels { get; init; } = new();
    public Dictionary<string, double> PhaseTimesS { get; init; } = new();
    /// <summary>The CPU the seed ran on (the seeds of one --resume study may come from several sittings and machines); null in older results.</summary>
    public Dictionary<string, object>? Machine { get; set; }
    public double WallTimeS { get; set; }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Save(string path)
    {
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static SeedResult Load(string path) =>
        JsonSerializer.Deserialize<SeedResult>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no seed result.");

    /// <summary>The metrics a study reports, named after the judge's features (fid_resnet18, ...); CAS (judge-free) when computed.</summary>
    public static Dictionary<string, MetricValue> Flatten(GenerativeMetrics m)
    {
        var values = new Dictionary<string, MetricValue>();
        string judge = "_" + m.FeatureName;
        void Add(string name, double? value, ConfidenceInterval? interval)
        {
            if (value is double v) values[name] = MetricValue.Of(v, interval);
        }
        Add("fid" + judge, m.Fid, m.FidInterval);
        Add("kid" + judge, m.Kid, m.KidInterval);
        Add("is" + judge, m.InceptionScore, m.InceptionScoreInterval);
        Add("precision" + judge, m.Precision, m.PrecisionInterval);
        Add("recall" + judge, m.Recall, m.RecallInterval);
        Add("density" + judge, m.Density, m.DensityInterval);
        Add("coverage" + judge, m.Coverage, m.CoverageInterval);
        Add("classwise_precision" + judge, m.ClassWise?.Mean.Precision, null);
        Add("classwise_recall" + judge, m.ClassWise?.Mean.Recall, null);
        Add("classwise_density" + judge, m.ClassWise?.Mean.Density, null);
        Add("classwise_coverage" + judge, m.ClassWise?.Mean.Coverage, null);
        Add("cas", m.Cas, m.CasInterval);
        return values;
    }
}
