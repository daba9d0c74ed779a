using System.CommandLine;
using System.Text.Json.Nodes;
using ScoreML.Tool.Features;
using ScoreML.Tool.Inputs;
using ScoreML.Tool.Output;

namespace ScoreML.Tool.Commands;

/// <summary>
/// <c>scoreml fid|kid|prdc|metrics REAL GENERATED</c>, and with <c>--save-stats FILE</c> and one data set (or one shard of
/// it) the statistics of that set, to pass later in place of the data, as pytorch-fid's <c>--save-stats</c> and .npz files.
/// </summary>
internal static class MetricCommand
{
    public static Command Create(string name, MetricSet metrics, string description, ToolContext context)
    {
        var real = new Argument<string>("REAL") { Description = "The real data: an image folder, an IDX, NPY or CSV file, or a statistics file (--save-stats)." };
        var generated = new Argument<string?>("GENERATED")
        {
            Description = "The generated data, of the same kinds. Left out with --save-stats.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = CommonOptions.Json();
        var features = CommonOptions.FeaturesOption();
        var onnx = new CommonOptions.OnnxOptions();
        var shape = CommonOptions.ShapeOption();
        var resize = CommonOptions.SizeOption("--resize", "Resize the images of image folders to WxH before the features; needed when a folder's images differ in size.");
        var grayscale = CommonOptions.Grayscale();
        var saveStats = new Option<string?>("--save-stats")
        {
            Description = "Write the statistics of the one data set given (REAL) to FILE instead of computing a metric" +
                (NeedsFeatures(metrics) ? " (with its feature rows, which KID and PRDC need)" : "") + "; FILE is then accepted in place of that data set.",
            HelpName = "FILE",
        };
        var shard = CommonOptions.ShardOption("with --save-stats, the statistics of the shard's rows of the data set (rows split by index)");
        var k = CommonOptions.Int("--k", "The k of the k-nearest-neighbour radii of precision, recall, density and coverage.", 3, 1, GenerativeEvaluationOptions.MaxK);
        var kidSubsets = CommonOptions.Int("--kid-subsets", "KID's random subsets.", 100, 1, GenerativeEvaluationOptions.MaxKidSubsets);
        var kidSubsetSize = CommonOptions.OptionalInt("--kid-subset-size", "Rows of each set in a KID subset (default 1,000, or every row of a smaller set).", 2);
        var seed = CommonOptions.Int("--seed", "Seeds KID's subsets and the bootstrap resamples.", 0, int.MinValue);
        var resamples = CommonOptions.Resamples();
        var level = CommonOptions.Level();

        var command = new Command(name, description) { real, generated, features, json, shape, resize, grayscale, saveStats, shard, resamples, level };
        onnx.AddTo(command);
        command.Options.Add(seed);
        if (metrics.HasFlag(MetricSet.Kid))
        {
            command.Options.Add(kidSubsets);
            command.Options.Add(kidSubsetSize);
        }
        if (metrics.HasFlag(MetricSet.Prdc)) command.Options.Add(k);

        command.SetAction(parse =>
        {
            var choice = onnx.Apply(parse.GetValue(features)!, parse);
            var input = new InputOptions(parse.GetValue(shape), parse.GetValue(resize), parse.GetValue(grayscale));
            string realPath = parse.GetValue(real)!;
            string? generatedPath = parse.GetValue(generated);
            bool asJson = parse.GetValue(json);
            if (parse.GetValue(saveStats) is string statsPath)
            {
                if (generatedPath is not null)
                    throw new UsageException($"--save-stats writes the statistics of one data set; give only that one (not '{realPath}' and '{generatedPath}').");
                SaveStatistics(name, realPath, statsPath, choice, input, parse.GetValue(shard), NeedsFeatures(metrics), asJson, context);
                return 0;
            }
            if (parse.GetValue(shard) is Shard s)
                throw new UsageException($"--shard {s} splits the work of --save-stats; a metric of two data sets is computed whole (or from merged statistics files).");
            if (generatedPath is null) throw new UsageException($"scoreml {name} needs REAL and GENERATED (or --save-stats FILE with one data set).");
            var settings = new MetricSettings(parse.GetValue(k), parse.GetValue(kidSubsets), parse.GetValue(kidSubsetSize), parse.GetValue(seed),
                parse.GetValue(resamples), parse.GetValue(level));
            var (realSide, generatedSide) = MetricRun.ReadPair(realPath, generatedPath, choice, input, metrics, context, keepGeneratedRows: settings.Resamples > 0);
            MetricRun.Print(MetricRun.Compute(name, realSide, generatedSide, metrics, settings, context), asJson, context);
            return 0;
        });
        return command;
    }

    static bool NeedsFeatures(MetricSet metrics) => MetricRun.NeedsFeatures(metrics);

    static void SaveStatistics(string command, string dataPath, string statsPath, FeatureChoice choice, InputOptions input, Shard? shard, bool keepFeatures,
        bool json, ToolContext context)
    {
        string output = OutputLocations.RequireWritableFile(statsPath, "--save-stats");
        if (InputReader.IsStatistics(dataPath))
            throw new UsageException($"'{dataPath}' is a statistics file already; --save-stats reads a data set (to combine shards' statistics use 'scoreml merge').");
        var data = InputReader.Read(dataPath, "REAL", input, shard, context.Cancellation);
        var extractor = choice.Create(data);
        FeatureStatistics statistics;
        try
        {
            statistics = MetricRun.Statistics(data, extractor, keepFeatures, Path.GetFullPath(dataPath), context.Cancellation);
        }
        finally
        {
            (extractor as IDisposable)?.Dispose();
        }
        statistics.Save(output);
        if (json)
        {
            JsonOutput.Write(context.Out, new JsonObject
            {
                ["command"] = command,
                ["statistics"] = output,
                ["data"] = new JsonObject { ["path"] = dataPath, ["kind"] = data.Kind, ["rows"] = data.Rows },
                ["first_row"] = statistics.FirstRow,
                ["source_rows"] = statistics.SourceRows,
                ["shard"] = shard?.ToString(),
                ["features"] = statistics.FeatureName.Length > 0 ? statistics.FeatureName : "identity",
                ["extractor"] = statistics.Extractor,
                ["with_feature_rows"] = statistics.Features is not null,
            });
        }
        else
        {
            context.Out.WriteLine($"Saved the statistics of {data.Describe()} to {output}" + (shard is Shard s ? $" (shard {s}: rows {statistics.FirstRow} .. {statistics.FirstRow + statistics.Count - 1})." : "."));
        }
    }
}
