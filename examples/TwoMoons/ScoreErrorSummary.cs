using System.Globalization;
using System.Text.Json.Nodes;
using ScoreML;

namespace TwoMoons;

/// <summary>
/// The score errors over seeds (--seeds N, ScoreErrorSeeds.cs): each method's D_P and D_L (the mean of the two
/// classes) as a mean with Student's t interval across seeds, and its difference from DLSM paired by seed, with a verdict:
/// "differs" only when the interval excludes 0 (lower is better for a score error), else "cannot tell at this size".
/// </summary>
internal static class ScoreErrorSummary
{
    /// <summary>The method every other is compared with here (the issue's question is CFG against DLSM).</summary>
    public const string Reference = "dlsm";

    /// <summary>Per method: D_P and D_L (class mean) over the seeds, and the paired difference from <see cref="Reference"/>.</summary>
    public static JsonObject Of(IReadOnlyList<Dictionary<string, (double[] PosteriorError, double[] LikelihoodError)>> perSeed)
    {
        if (perSeed.Count < 2) throw new ArgumentException("Intervals across seeds need at least two seeds.", nameof(perSeed));
        var methods = perSeed[0].Keys.Where(m => perSeed.All(s => s.ContainsKey(m))).ToArray();
        double[] ClassMeans(string method, bool posterior) => perSeed.Select(s => (posterior ? s[method].PosteriorError : s[method].LikelihoodError).Average()).ToArray();
        JsonObject Metric(string method, bool posterior)
        {
            var values = ClassMeans(method, posterior);
            var interval = ConfidenceInterval.AcrossRuns(values);
            var metric = new JsonObject { ["mean"] = values.Average(), ["ci"] = new JsonArray(interval.Lower, interval.Upper), ["per_seed"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };
            if (method != Reference && perSeed[0].ContainsKey(Reference))
            {
                var reference = ClassMeans(Reference, posterior);
                var difference = ConfidenceInterval.PairedDifference(values, reference);
                double mean = values.Zip(reference, (a, b) => a - b).Average();
                metric[$"minus_{Reference}"] = new JsonObject
                {
                    ["mean"] = mean, ["ci"] = new JsonArray(difference.Lower, difference.Upper),
                    // Lower is better for a score error.
                    ["verdict"] = difference.Lower > 0 || difference.Upper < 0 ? $"differs: {method} is {(mean < 0 ? "better" : "worse")}" : "cannot tell at this size",
                };
            }
            return metric;
        }
        var result = new JsonObject();
        foreach (var method in methods) result[method] = new JsonObject { ["d_p"] = Metric(method, true), ["d_l"] = Metric(method, false) };
        return result;
    }

    /// <summary>The printed table: each method's D_P and D_L with intervals, and D_P − DLSM's with its verdict.</summary>
    public static string Format(JsonObject summary)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"{"method",-14}{"D_P",-26}{"D_L",-26}D_P - {Reference}");
        string Cell(JsonNode? metric) => metric is null ? "-" : string.Create(CultureInfo.InvariantCulture,
            $"{(double)metric["mean"]!:F3} [{(double)metric["ci"]![0]!:F3}, {(double)metric["ci"]![1]!:F3}]");
        foreach (var (method, node) in summary)
        {
            var difference = node!["d_p"]![$"minus_{Reference}"];
            text.AppendLine($"{method,-14}{Cell(node["d_p"]),-26}{Cell(node["d_l"]),-26}" +
                (difference is null ? "" : $"{Cell(difference)}  {(string)difference["verdict"]!}"));
        }
        return text.ToString();
    }
}
