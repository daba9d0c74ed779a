using System.CommandLine;
using System.Text.Json.Nodes;
using ScoreML.Tool.Features;
using ScoreML.Tool.Inputs;
using ScoreML.Tool.Output;

namespace ScoreML.Tool.Commands;

/// <summary>
/// <c>scoreml evaluate MODEL REAL</c>: samples from a model zip and compares the samples with REAL (data or a statistics
/// file) in one command; with <c>--shard i/N --save-stats FILE</c>, one shard of the samples' statistics, to merge.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(ToolContext context)
    {
        var model = new Argument<string>("MODEL") { Description = "A model zip written by 'scoreml train'." };
        var real = new Argument<string?>("REAL") { Description = "The real data or their statistics file; left out with --save-stats.", Arity = ArgumentArity.ZeroOrOne };
        var count = CommonOptions.OptionalInt("--count", "Rows to sample (default: as many as REAL has; required with --save-stats).", 1);
        var metricsOption = new Option<MetricSet>("--metrics")
        {
            Description = "The metrics, comma-separated: fid, kid, prdc or all.",
            HelpName = "fid,kid,prdc|all",
            DefaultValueFactory = _ => MetricSet.All,
            CustomParser = result =>
            {
                MetricSet set = 0;
                foreach (var part in result.Tokens[0].Value.ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries))
                {
                    MetricSet? one = part switch { "fid" => MetricSet.Fid, "kid" => MetricSet.Kid, "prdc" => MetricSet.Prdc, "all" => MetricSet.All, _ => null };
                    if (one is null)
                    {
                        result.AddError($"--metrics takes fid, kid, prdc or all (comma-separated), not '{part}'.");
                        return MetricSet.All;
                    }
                    set |= one.Value;
                }
                return set;
            },
        };
        var features = CommonOptions.FeaturesOption();
        var onnx = new CommonOptions.OnnxOptions();
        var shape = CommonOptions.ShapeOption();
        var saveStats = new Option<string?>("--save-stats") { Description = "Write the statistics of the samples (with --shard: of the shard's rows) to FILE instead of comparing them.", HelpName = "FILE" };
        var saveSamples = new Option<string?>("--save-samples")
        {
            Description = "Also write the samples to FILE.npy, FILE.csv or a folder of PNG images, as 'scoreml sample' writes them (with --shard: the shard's rows, to merge).",
            HelpName = "FILE|DIR",
        };
        var shard = CommonOptions.ShardOption("with --save-stats, the statistics of the shard's rows of the samples (rows split by index in whole sampler batches)");
        var sampler = new SamplerOptionsGroup();
        var k = CommonOptions.Int("--k", "The k of precision, recall, density and coverage.", 3, 1, GenerativeEvaluationOptions.MaxK);
        var kidSubsets = CommonOptions.Int("--kid-subsets", "KID's random subsets.", 100, 1, GenerativeEvaluationOptions.MaxKidSubsets);
        var kidSubsetSize = CommonOptions.OptionalInt("--kid-subset-size", "Rows of each set in a KID subset (default 1,000, or every row of a smaller set).", 2);
        var kidSeed = CommonOptions.Int("--kid-seed", "Seeds KID's subsets and the bootstrap resamples.", 0, int.MinValue);
        var resamples = CommonOptions.Resamples();
        var level = CommonOptions.Level();
        var json = CommonOptions.Json();
        var command = new Command("evaluate", "Samples from MODEL and computes FID, KID and precision/recall/density/coverage against REAL.")
        {
            model, real, count, metricsOption, features, shape, saveStats, saveSamples, shard, k, kidSubsets, kidSubsetSize, kidSeed, resamples, level, json,
        };
        onnx.AddTo(command);
        sampler.AddTo(command);
        command.SetAction(parse =>
        {
            var metrics = parse.GetValue(metricsOption);
            var choice = onnx.Apply(parse.GetValue(features)!, parse);
            var input = new InputOptions(parse.GetValue(shape));
            string? realPath = parse.GetValue(real);
            string? statsPath = parse.GetValue(saveStats);
            var s = parse.GetValue(shard);
            if (statsPath is null && s is not null) throw new UsageException($"--shard {s} splits the work of --save-stats; without it the whole comparison runs here.");
            if (statsPath is not null && realPath is not null) throw new UsageException($"--save-stats writes the statistics of the samples alone; leave REAL ('{realPath}') out.");
            if (statsPath is null && realPath is null) throw new UsageException("scoreml evaluate needs REAL (or --save-stats FILE).");
            string? output = statsPath is null ? null : OutputLocations.RequireWritableFile(statsPath, "--save-stats");

            using var loaded = ModelSampler.Load(parse.GetValue(model)!, sampler.Overrides(parse), context.Cancellation);
            var classOf = sampler.ClassOf(parse, loaded);
            if (parse.GetValue(saveSamples) is string samplesOut) SampleWriter.FormatOf(samplesOut, loaded.Shape, "--save-samples");   // refused before sampling
            MetricSide? realSide = null;
            DataSet? realData = null;
            int total;
            if (realPath is not null && InputReader.IsStatistics(realPath))
            {
                realSide = MetricRun.LoadStatistics("REAL", realPath, metrics);
                total = parse.GetValue(count) ?? realSide.Statistics.Count;
            }
            else if (realPath is not null)
            {
                realData = InputReader.Read(realPath, "REAL", input, null, context.Cancellation);
                total = parse.GetValue(count) ?? realData.Rows;
            }
            else total = parse.GetValue(count) ?? throw new UsageException("--save-stats needs --count: the rows of the whole job.");
            if (realData is not null && realData.Dimension != loaded.Dimension)
                throw new InvalidDataException($"REAL {realData.Describe()} has rows of {realData.Dimension} values, but MODEL '{loaded.Path}' generates {loaded.Dimension}.");

            var (first, rows) = s is Shard part ? part.BatchAlignedRows(total, loaded.BatchSize) : (0L, total);
            if (rows == 0) throw new UsageException($"--shard {s}: {total} rows in batches of {loaded.BatchSize} make fewer batches than shards; this shard has none. Use fewer shards or --batch-size.");
            var samples = loaded.Generate(first, rows, classOf, context.Cancellation);
            if (parse.GetValue(saveSamples) is string samplesPath)
                SampleCommand.WriteSamples(samplesPath, loaded, samples, first, rows, total, s, parse.GetValue(sampler.Class), "--save-samples");
            var generatedData = new DataSet(loaded.Path, "samples", samples, rows, loaded.Dimension, loaded.Shape, first, total);
            // One extractor for the samples and the real data when their rows have one shape (opening ResNet-18 takes seconds).
            var extractor = choice.Create(generatedData);
            IFeatureExtractor? realExtractor = null;
            try
            {
                // The samples' feature rows stay for the bootstrap intervals, but not in a statistics file that does not need them.
                bool keepRows = MetricRun.NeedsFeatures(metrics) || (output is null && parse.GetValue(resamples) > 0);
                var generated = MetricRun.Statistics(generatedData, extractor, keepRows, loaded.Source, context.Cancellation);
                bool asJson = parse.GetValue(json);
                if (output is not null)
                {
                    generated.Save(output);
                    if (asJson)
                        JsonOutput.Write(context.Out, new JsonObject
                        {
                            ["command"] = "evaluate",
                            ["statistics"] = output,
                            ["model"] = loaded.Path,
                            ["rows"] = rows,
                            ["first_row"] = first,
                            ["source_rows"] = total,
                            ["shard"] = s?.ToString(),
                            ["features"] = generated.FeatureName.Length > 0 ? generated.FeatureName : "identity",
                            ["extractor"] = generated.Extractor,
                            ["with_feature_rows"] = generated.Features is not null,
                        });
                    else context.Out.WriteLine($"Saved the statistics of {rows} samples (rows {first} .. {first + rows - 1} of {total}) to {output}.");
                    return 0;
                }
                if (realSide is not null) MetricRun.RequireFeatures(realSide, choice, generated.Extractor);
                else
                {
                    realExtractor = realData!.Shape == generatedData.Shape ? extractor : choice.Create(realData);
                    if (realExtractor.Identity != generated.Extractor)
                        throw new UsageException($"REAL {realData.Describe()} would be compared with the features '{realExtractor.Identity}' but the samples with " +
                            $"'{generated.Extractor}': give --shape or --features so that both are read with the same features.");
                    realSide = new MetricSide("REAL", realPath!, realData.Kind,
                        MetricRun.Statistics(realData, realExtractor, MetricRun.NeedsFeatures(metrics), Path.GetFullPath(realPath!), context.Cancellation));
                }
                var result = MetricRun.Compute("evaluate", realSide, new MetricSide("GENERATED", loaded.Path, "samples", generated), metrics,
                    new MetricSettings(parse.GetValue(k), parse.GetValue(kidSubsets), parse.GetValue(kidSubsetSize), parse.GetValue(kidSeed),
                        parse.GetValue(resamples), parse.GetValue(level)), context);
                result["model"] = loaded.Path;
                result["seed"] = loaded.Seed;
                MetricRun.Print(result, asJson, context);
                return 0;
            }
            finally
            {
                if (!ReferenceEquals(realExtractor, extractor)) (realExtractor as IDisposable)?.Dispose();
                (extractor as IDisposable)?.Dispose();
            }
        });
        return command;
    }
}
