using ScoreML;
using System.Globalization;
using System.Text;

namespace FashionMnist;

/// <summary>The results laid out as the DLSM paper's Table 2: one row per method, the unconditional metrics, then the class-wise means.</summary>
internal static class ResultsTable
{
    public static string Format(IReadOnlyDictionary<string, GenerativeMetrics> results)
    {
        var text = new StringBuilder();
        text.AppendLine($"{"method",-9}{"FID",9}{"KID",8}{"IS",8}{"P",8}{"R",8}{"D",8}{"C",8}{"CAS",8}   | class-wise{"P",8}{"R",8}{"D",8}{"C",8}");
        foreach (var (name, m) in results)
        {
            var mean = m.ClassWise?.Mean;
            text.AppendLine($"{name,-9}{F(m.Fid, 9, "F2")}{F(m.Kid, 8)}{F(m.InceptionScore, 8, "F2")}{F(m.Precision, 8)}{F(m.Recall, 8)}{F(m.Density, 8)}{F(m.Coverage, 8)}{F(m.Cas, 8)}" +
                            $"   | {"",10}{F(mean?.Precision, 8)}{F(mean?.Recall, 8)}{F(mean?.Density, 8)}{F(mean?.Coverage, 8)}");
        }
        return text.ToString();
    }

    /// <summary>The numbers results.json carries per method.</summary>
    public static Dictionary<string, object?> Summary(GenerativeMetrics m) => new()
    {
        ["fid"] = m.Fid,
        ["kid"] = m.Kid,
        ["kid_std"] = m.KidStd,
        ["is"] = m.InceptionScore,
        ["is_std"] = m.InceptionScoreStd,
        ["precision"] = m.Precision,
        ["recall"] = m.Recall,
        ["density"] = m.Density,
        ["coverage"] = m.Coverage,
        ["cas"] = m.Cas,
        ["classwise_mean"] = m.ClassWise?.Mean,
        ["real_count"] = m.RealCount,
        ["generated_count"] = m.GeneratedCount,
        ["warnings"] = m.Warnings,
    };

    static string F(double? value, int width, string format = "F3") =>
        (value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-").PadLeft(width);
}
