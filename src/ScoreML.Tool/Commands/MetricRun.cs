using System.Text.Json.Nodes;
using ScoreML.Evaluation.Intervals;
using ScoreML.Tool.Features;
using ScoreML.Tool.Inputs;
using ScoreML.Tool.Output;

namespace ScoreML.Tool.Commands;

/// <summary>Which metrics a command computes.</summary>
[Flags]
internal enum MetricSet
{
    Fid = 1,
    Kid = 2,
    Prdc = 4,
    All = Fid | Kid | Prdc,
}

/// <summary>The settings of KID and PRDC (<c>--k</c>, <c>--kid-subsets</c>, <c>--kid-subset-size</c>, <c>--seed</c>) and of the
/// intervals (<c>--resamples</c>, <c>--level</c>).</summary>
internal sealed record MetricSettings(int K = 3, int KidSubsets = 100, int? KidSubsetSize = null, int Seed = 0, int Resamples = 200, double Level = 0.95);

/// <summary>
/// One side of a comparison: its statistics (always) and feature rows (when KID or PRDC need them), from data passed through
/// the extractor or from a statistics file.
/// </summary>
internal sealed record MetricSide(string Role, string Path, string Kind, FeatureStatistics Statistics)
{
    public JsonObject Describe() => new() { ["path"] = Path, ["kind"] = Kind, ["rows"] = Statistics.Count };
}

/// <summary>What the metric commands share: reading each side, choosing and checking the features, computing and printing the metrics.</summary>
internal static class MetricRun
{
    /// <summary>Whether the statistics of a set must keep its feature rows for <paramref name="metrics"/>.</summary>
    public static bool NeedsFeatures(MetricSet metrics) => (metrics & (MetricSet.Kid | MetricSet.Prdc)) != 0;

    /// <summary>Statistics of <paramref name="data"/>'s features, saying which rows of which input they are.</summary>
    public static FeatureStatistics Statistics(DataSet data, IFeatureExtractor extractor, bool keepFeatures, string source, CancellationToken cancellation)
    {
        var features = FeatureChoice.Extract(extractor, data, "features", cancellation);
        cancellation.ThrowIfCancellationRequested();
        return FeatureStatistics.Compute(features, extractor.Identity, extractor.Name, keepFeatures).WithRows(source, data.FirstRow, data.SourceRows);
    }

    /// <summary>The statistics in <paramref name="path"/>, refused when they are a shard or lack the rows <paramref name="metrics"/> need.</summary>
    public static MetricSide LoadStatistics(string role, string path, MetricSet metrics)
    {
        var statistics = FeatureStatistics.Load(path);
        if (!statistics.IsComplete)
            throw new InvalidDataException($"{role} '{path}' holds the statistics of rows {statistics.FirstRow} .. {statistics.FirstRow + statistics.Count - 1} " +
                $"of the {statistics.SourceRows} of {statistics.Source}: one shard. Combine the shards first with 'scoreml merge'.");
        if (NeedsFeatures(metrics) && statistics.Features is null)
            throw new InvalidDataException($"{role} '{path}' holds FID statistics only, without the feature rows that KID and PRDC need; " +
                "make it with 'scoreml kid', 'scoreml prdc' or 'scoreml metrics --save-stats', which keep them.");
        return new MetricSide(role, path, "statistics file", statistics);
    }

    /// <summary>Refuses statistics of other features than <paramref name="choice"/> names, naming the file.</summary>
    public static void RequireFeatures(MetricSide side, FeatureChoice choice, string? identity)
    {
        var s = side.Statistics;
        bool matches = identity is not null ? s.Extractor == identity : choice.ExpectedName is not string name || s.FeatureName == name;
        if (!matches)
            throw new InvalidDataException($"{side.Role} '{side.Path}' holds statistics of the features '{s.Extractor}', but the features asked for are " +
                $"'{identity ?? choice.ToString()}' (--features); statistics of other features are not comparable. " +
                "Compute both sets with the same --features.");
    }

    /// <summary>
    /// Both sides of <c>scoreml fid|kid|prdc|metrics REAL GENERATED</c>: data through the features asked for, statistics
    /// files as they are, each checked against the other's features.
    /// </summary>
    /// <param name="realPath">REAL: data or a statistics file.</param>
    /// <param name="generatedPath">GENERATED: data or a statistics file.</param>
    /// <param name="choice">The features asked for (--features).</param>
    /// <param name="input">How data files are read (--shape, --resize, --grayscale).</param>
    /// <param name="metrics">The metrics to compute, which decide whether feature rows are kept.</param>
    /// <param name="context">The command's streams and cancellation.</param>
    /// <param name="keepGeneratedRows">Keep GENERATED's feature rows even when the metrics do not need them: FID's bootstrap
    /// interval resamples them.</param>
    public static (MetricSide Real, MetricSide Generated) ReadPair(string realPath, string generatedPath, FeatureChoice choice, InputOptions input,
        MetricSet metrics, ToolContext context, bool keepGeneratedRows = false)
    {
        var sides = new MetricSide?[2];
        var paths = new[] { realPath, generatedPath };
        var roles = new[] { "REAL", "GENERATED" };
        // Statistics files first: a data set whose features do not match them is refused before its features are extracted.
        for (int i = 0; i < 2; i++)
            if (InputReader.IsStatistics(paths[i])) sides[i] = LoadStatistics(roles[i], paths[i], metrics);
        string? identity = null;
        string? identityFrom = null;
        // One extractor for both sides when their rows have one shape (opening ResNet-18 takes a second or two).
        IFeatureExtractor? extractor = null;
        ImageShape? extractorShape = null;
        try
        {
            for (int i = 0; i < 2; i++)
            {
                if (sides[i] is not null) continue;
                var data = InputReader.Read(paths[i], roles[i], input, null, context.Cancellation);
                if (extractor is null || data.Shape != extractorShape)
                {
                    (extractor as IDisposable)?.Dispose();
                    extractor = null;
                    extractor = choice.Create(data);
                    extractorShape = data.Shape;
                }
                if (identity is not null && extractor.Identity != identity)
                    throw new UsageException($"{roles[i]} {data.Describe()} would be compared with the features '{extractor.Identity}' but {identityFrom} with " +
                        $"'{identity}' (--features {choice}): give --features or --shape so that both are read with the same features.");
                identity = extractor.Identity;
                identityFrom = $"{roles[i]} '{paths[i]}'";
                foreach (var other in sides)
                    if (other is not null) RequireFeatures(other, choice, identity);
                bool keep = NeedsFeatures(metrics) || (i == 1 && keepGeneratedRows);
                sides[i] = new MetricSide(roles[i], paths[i], data.Kind, Statistics(data, extractor, keep, Path.GetFullPath(paths[i]), context.Cancellation));
            }
        }
        finally
        {
            (extractor as IDisposable)?.Dispose();
        }
        if (identity is null)
            foreach (var side in sides) RequireFeatures(side!, choice, null);
        if (identity is null && sides[0]!.Statistics.Extractor != sides[1]!.Statistics.Extractor)
            throw new InvalidDataException($"GENERATED '{generatedPath}' holds statistics of the features '{sides[1]!.Statistics.Extractor}', but REAL '{realPath}' " +
                $"of '{sides[0]!.Statistics.Extractor}'; statistics of other features are not comparable.");
        return (sides[0]!, sides[1]!);
    }

    /// <summary>The metrics of GENERATED against REAL, as one JSON object (the metrics named after the features) with the warnings.</summary>
    public static JsonObject Compute(string command, MetricSide real, MetricSide generated, MetricSet metrics, MetricSettings settings, ToolContext context)
    {
        var r = real.Statistics;
        var g = generated.Statistics;
        if (r.Dimension != g.Dimension)
            throw new InvalidDataException($"REAL '{real.Path}' has {r.Dimension} features per row but GENERATED '{generated.Path}' has {g.Dimension}; " +
                "both must be the same kind of data.");
        string name = r.FeatureName;
        var warnings = new JsonArray();
        var result = new JsonObject
        {
            ["command"] = command,
            ["features"] = name.Length > 0 ? name : "identity",
            ["extractor"] = r.Extractor,
            ["real"] = real.Describe(),
            ["generated"] = generated.Describe(),
        };
        var realFeatures = r.Features is not null ? new FeatureMatrix(r.Features.Values, r.Dimension, "real") : null;
        var generatedFeatures = g.Features is not null ? new FeatureMatrix(g.Features.Values, g.Dimension, "generated") : null;
        // The evaluator's intervals (docs/evaluation.md): one set of bootstrap resamples per side with rows, shared by every metric.
        var generatedDraws = settings.Resamples > 0 && generatedFeatures is not null ? new BootstrapDraws(generatedFeatures.Rows, settings.Resamples, settings.Seed + 1) : null;
        var realDraws = settings.Resamples > 0 && realFeatures is not null ? new BootstrapDraws(realFeatures.Rows, settings.Resamples, settings.Seed + 2) : null;
        result["interval_level"] = settings.Level;
        result["interval_resamples"] = generatedDraws is null && realDraws is null ? 0 : settings.Resamples;
        void Interval(string metric, ConfidenceInterval? interval)
        {
            if (interval is not null) result[JsonOutput.MetricKey(metric, name, "_ci")] = new JsonArray(interval.Lower, interval.Upper);
        }
        if (metrics.HasFlag(MetricSet.Fid))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var realGaussian = r.ToGaussian();
            var fid = FrechetDistance.Compute(realGaussian, g.ToGaussian());
            result[JsonOutput.MetricKey("fid", name)] = fid.Value;
            if (fid.Warning is not null) warnings.Add(fid.Warning);
            if (generatedDraws is not null)
                Interval("fid", ConfidenceInterval.FromReplicates(fid.Value, FrechetDistance.ComputeMany(realGaussian,
                    Enumerable.Range(0, generatedDraws.Resamples).Select(b => GaussianStatistics.Compute(generatedDraws.Take(generatedFeatures!, b))), null),
                    settings.Level, lowest: 0));
        }
        if (metrics.HasFlag(MetricSet.Kid))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            KernelInceptionDistanceRows(settings, realFeatures!, generatedFeatures!);
            var kid = KernelInceptionDistance.Compute(realFeatures!, generatedFeatures!, settings.KidSubsets, settings.KidSubsetSize, settings.Seed);
            result[JsonOutput.MetricKey("kid", name)] = kid.Mean;
            result[JsonOutput.MetricKey("kid", name, "_std")] = kid.Std;
            result["kid_subsets"] = kid.Subsets;
            result["kid_subset_size"] = kid.SubsetSize;
            if (generatedDraws is not null)
            {
                // As the evaluator: whole sets are resampled by the bootstrap, random subsets give their own spread.
                bool wholeSets = kid.SubsetSize == realFeatures!.Rows && kid.SubsetSize == generatedFeatures!.Rows;
                if (wholeSets) Interval("kid", ConfidenceInterval.FromReplicates(kid.Mean, KernelInceptionDistance.ResampledGenerated(realFeatures, generatedFeatures!, generatedDraws), settings.Level));
                else if (kid.Subsets >= 2) Interval("kid", ConfidenceInterval.Percentiles(kid.PerSubset, settings.Level));
            }
        }
        if (metrics.HasFlag(MetricSet.Prdc))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            foreach (var (set, role, path) in new[] { (realFeatures!, "REAL", real.Path), (generatedFeatures!, "GENERATED", generated.Path) })
                if (set.Rows < settings.K + 1)
                    throw new InvalidDataException($"{role} '{path}' has {set.Rows} rows; precision, recall, density and coverage with --k {settings.K} need at least {settings.K + 1}.");
            var reference = RealSetReference.Compute(realFeatures!, settings.K, withStatistics: false, r.Extractor);
            var (prdc, rows) = PrecisionRecallDensityCoverage.ComputeWithRows(reference, generatedFeatures!);
            result[JsonOutput.MetricKey("precision", name)] = prdc.Precision;
            result[JsonOutput.MetricKey("recall", name)] = prdc.Recall;
            result[JsonOutput.MetricKey("density", name)] = prdc.Density;
            result[JsonOutput.MetricKey("coverage", name)] = prdc.Coverage;
            result["k"] = settings.K;
            if (generatedDraws is not null && realDraws is not null)
            {
                Interval("precision", ConfidenceInterval.FromReplicates(prdc.Precision, generatedDraws.Means(j => rows.RealBallsHolding[j] > 0 ? 1 : 0), settings.Level, 0, 1));
                Interval("density", ConfidenceInterval.FromReplicates(prdc.Density, generatedDraws.Means(j => rows.RealBallsHolding[j] / (double)prdc.K), settings.Level, lowest: 0));
                Interval("recall", ConfidenceInterval.FromReplicates(prdc.Recall, realDraws.Means(i => rows.Recalled[i] ? 1 : 0), settings.Level, 0, 1));
                Interval("coverage", ConfidenceInterval.FromReplicates(prdc.Coverage, realDraws.Means(i => rows.Covered[i] ? 1 : 0), settings.Level, 0, 1));
            }
            if (prdc.Warning is not null) warnings.Add(prdc.Warning);
        }
        result["warnings"] = warnings;
        return result;
    }

    static void KernelInceptionDistanceRows(MetricSettings settings, FeatureMatrix real, FeatureMatrix generated)
    {
        int fewest = Math.Min(real.Rows, generated.Rows);
        if (settings.KidSubsetSize is int size && size > fewest)
            throw new UsageException($"--kid-subset-size {size} is more than the rows of REAL ({real.Rows}) or GENERATED ({generated.Rows}); give at most {fewest}, " +
                "or leave it out for 1,000 or every row of a smaller set.");
        if (fewest < 2) throw new InvalidDataException($"KID needs at least 2 rows in each set; REAL has {real.Rows} and GENERATED {generated.Rows}.");
    }

    /// <summary>Prints <paramref name="result"/>: JSON, or pytorch-fid's lines ("FID:  12.3") and one line per other metric; warnings to the error stream.</summary>
    public static void Print(JsonObject result, bool json, ToolContext context)
    {
        if (json)
        {
            JsonOutput.Write(context.Out, result);
            return;
        }
        string name = (string)result["features"]! == "identity" ? "" : (string)result["features"]!;
        string? Value(string metric, string suffix = "") =>
            result[JsonOutput.MetricKey(metric, name, suffix)] is JsonNode node ? JsonOutput.Number((double)node) : null;
        // The value lines stay as pytorch-fid prints them ("FID:  12.3"), so scripts that read them keep working; each interval
        // follows on a line of its own.
        string level = JsonOutput.Number(100 * (double)result["interval_level"]!);
        void PrintInterval(string label, string metric)
        {
            if (result[JsonOutput.MetricKey(metric, name, "_ci")] is JsonArray ci)
                context.Out.WriteLine($"{label} {level}% interval: [{JsonOutput.Number((double)ci[0]!)}, {JsonOutput.Number((double)ci[1]!)}]");
        }
        if (Value("fid") is string fid)
        {
            context.Out.WriteLine($"FID:  {fid}");
            PrintInterval("FID", "fid");
        }
        if (Value("kid") is string kid)
        {
            context.Out.WriteLine($"KID:  {kid}  (std {Value("kid", "_std")} over {result["kid_subsets"]} subsets of {result["kid_subset_size"]})");
            PrintInterval("KID", "kid");
        }
        foreach (var metric in new[] { "precision", "recall", "density", "coverage" })
            if (Value(metric) is string v)
            {
                string label = $"{char.ToUpperInvariant(metric[0])}{metric[1..]}";
                context.Out.WriteLine($"{label}:{new string(' ', 10 - metric.Length)}{v}");
                PrintInterval(label, metric);
            }
        foreach (var warning in result["warnings"]!.AsArray()) context.Error.WriteLine($"warning: {warning}");
    }
}
