using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ScoreML.Tool.Inputs;
using ScoreML.Tool.Output;

namespace ScoreML.Tool.Commands;

/// <summary><c>scoreml sample MODEL --count N --out FILE|DIR [--shard i/N]</c>: samples from a model zip.</summary>
internal static class SampleCommand
{
    public static Command Create(ToolContext context)
    {
        var model = new Argument<string>("MODEL") { Description = "A model zip written by 'scoreml train' (or by a program with mlContext.ScoreMatching().Model.Save)." };
        var count = new Option<int>("--count") { Description = "Rows to sample (with --shard: in the whole job).", Required = true, HelpName = "N" };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"--count must be at least 1; it is {r.GetValueOrDefault<int>()}."); });
        var output = new Option<string>("--out") { Description = "Where to write: FILE.npy, FILE.csv, or a folder for PNG images (image models).", Required = true, HelpName = "FILE|DIR" };
        var shard = CommonOptions.ShardOption("rows split by index in whole sampler batches; the shards' outputs merged ('scoreml merge') are one run's, bit for bit");
        var sampler = new SamplerOptionsGroup();
        var json = CommonOptions.Json();
        var command = new Command("sample", "Samples rows from a model zip into an .npy or .csv file or a folder of PNG images.") { model, count, output, shard, json };
        sampler.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            string outPath = parse.GetValue(output)!;
            int total = parse.GetValue(count);
            var s = parse.GetValue(shard);
            using var loaded = ModelSampler.Load(parse.GetValue(model)!, sampler.Overrides(parse), context.Cancellation);
            var format = SampleWriter.FormatOf(outPath, loaded.Shape);
            string full = format == SampleWriter.Format.PngFolder ? OutputLocations.RequireWritableFolder(outPath, "--out") : OutputLocations.RequireWritableFile(outPath, "--out");
            var classOf = sampler.ClassOf(parse, loaded);
            var (first, rows) = s is Shard part ? part.BatchAlignedRows(total, loaded.BatchSize) : (0L, total);
            var values = loaded.Generate(first, rows, classOf, context.Cancellation);
            WriteSamples(full, loaded, values, first, rows, total, s, parse.GetValue(sampler.Class));
            if (parse.GetValue(json))
                JsonOutput.Write(context.Out, new JsonObject
                {
                    ["command"] = "sample",
                    ["model"] = loaded.Path,
                    ["output"] = full,
                    ["format"] = format.ToString().ToLowerInvariant(),
                    ["rows"] = rows,
                    ["first_row"] = first,
                    ["total_rows"] = total,
                    ["shard"] = s?.ToString(),
                    ["dimension"] = loaded.Dimension,
                    ["image_shape"] = loaded.Shape?.ToString(),
                    ["seed"] = loaded.Seed,
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                });
            else
                context.Out.WriteLine($"Wrote {rows} samples{(s is null ? "" : $" (shard {s}: rows {first} .. {first + rows - 1} of {total})")} to {full} in {clock.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        return command;
    }

    /// <summary>Writes sampled rows where <paramref name="output"/> says, with the shard manifest that 'scoreml merge' reads for a shard's file.</summary>
    public static void WriteSamples(string output, ModelSampler sampler, float[] values, long first, int rows, long total, Shard? shard, int? chosenClass, string option = "--out")
    {
        var format = SampleWriter.FormatOf(output, sampler.Shape, option);
        string full = format == SampleWriter.Format.PngFolder ? OutputLocations.RequireWritableFolder(output, option) : OutputLocations.RequireWritableFile(output, option);
        SampleWriter.Write(full, format, values, rows, sampler.Dimension, sampler.Shape, first, total);
        if (shard is Shard written && format != SampleWriter.Format.PngFolder)
            new ShardManifest(ShardManifest.SamplesKind, written.Index, written.Count, first, rows, total, sampler.Dimension,
                sampler.Source + (chosenClass is int c ? $" class={c}" : "")).Save(full);
    }
}
