using System.CommandLine;
using System.Text.Json.Nodes;
using ScoreML.Tool.Inputs;
using ScoreML.Tool.Output;

namespace ScoreML.Tool.Commands;

/// <summary>
/// <c>scoreml merge PART... --out FILE</c>: the shards of one job put together. Statistics files (<c>--save-stats</c> with
/// <c>--shard</c>) merge into the statistics of the whole set (Chan's pairwise update, in float64; feature rows concatenated);
/// sample files (<c>sample --shard</c>) concatenate in row order into one run's file, bit for bit.
/// </summary>
internal static class MergeCommand
{
    public static Command Create(ToolContext context)
    {
        var parts = new Argument<string[]>("PART") { Description = "The shards' outputs, in any order: statistics files, or .npy/.csv sample files with their .shard.json.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The merged file (.npy or .csv for samples; any name for statistics).", Required = true, HelpName = "FILE" };
        var json = CommonOptions.Json();
        var command = new Command("merge", "Combines the outputs of a sharded job into the output of one run.") { parts, output, json };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(parts)!;
            string outPath = OutputLocations.RequireWritableFile(parse.GetValue(output)!, "--out");
            foreach (var p in paths)
                if (!File.Exists(p)) throw new FileNotFoundException($"PART '{p}' does not exist.", p);
            if (paths.Distinct().Count() != paths.Length)
                throw new UsageException($"PART '{paths.GroupBy(p => p).First(g => g.Count() > 1).Key}' is given twice.");
            var statistics = paths.Where(InputReader.IsStatistics).ToArray();
            JsonObject result;
            if (statistics.Length == paths.Length) result = MergeStatistics(paths, outPath, context);
            else if (statistics.Length == 0) result = MergeSamples(paths, outPath, context);
            else throw new UsageException($"The parts mix statistics files ('{statistics[0]}') and sample files ('{paths.First(p => !statistics.Contains(p))}'); merge each kind on its own.");
            if (parse.GetValue(json)) JsonOutput.Write(context.Out, result);
            else context.Out.WriteLine($"Merged {paths.Length} parts ({result["rows"]} rows) into {outPath}.");
            return 0;
        });
        return command;
    }

    static JsonObject MergeStatistics(string[] paths, string output, ToolContext context)
    {
        var loaded = new List<(string Path, FeatureStatistics Statistics)>();
        foreach (var path in paths)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var s = FeatureStatistics.Load(path);
            if (loaded.Count > 0)
            {
                var (firstPath, first) = loaded[0];
                if (s.Extractor != first.Extractor)
                    throw new InvalidDataException($"PART '{path}' holds statistics of the features '{s.Extractor}', but '{firstPath}' of '{first.Extractor}'; only shards of one job merge.");
                if (s.Source != first.Source || s.SourceRows != first.SourceRows)
                    throw new InvalidDataException($"PART '{path}' holds statistics of {s.Source} ({s.SourceRows} rows), but '{firstPath}' of {first.Source} ({first.SourceRows} rows); only shards of one job merge.");
                if ((s.Features is null) != (first.Features is null))
                    throw new InvalidDataException($"PART '{path}' {(s.Features is null ? "lacks" : "keeps")} the feature rows that '{firstPath}' {(s.Features is null ? "keeps" : "lacks")}; make every shard with the same command.");
                var overlap = loaded.FirstOrDefault(l => l.Statistics.FirstRow < s.FirstRow + s.Count && s.FirstRow < l.Statistics.FirstRow + l.Statistics.Count);
                if (overlap.Path is not null)
                    throw new InvalidDataException($"PART '{path}' (rows {s.FirstRow} .. {s.FirstRow + s.Count - 1}) overlaps '{overlap.Path}' (rows {overlap.Statistics.FirstRow} .. " +
                        $"{overlap.Statistics.FirstRow + overlap.Statistics.Count - 1}): a shard is given twice?");
            }
            loaded.Add((path, s));
        }
        var merged = FeatureStatistics.Merge(loaded.Select(l => l.Statistics));
        if (!merged.IsComplete)
            throw new InvalidDataException($"The parts cover rows {merged.FirstRow} .. {merged.FirstRow + merged.Count - 1} of the {merged.SourceRows} of {merged.Source}: " +
                "the shards at the " + (merged.FirstRow > 0 ? "start" : "end") + " are missing.");
        merged.Save(output);
        return new JsonObject
        {
            ["command"] = "merge",
            ["kind"] = "statistics",
            ["output"] = output,
            ["parts"] = paths.Length,
            ["rows"] = merged.Count,
            ["features"] = merged.FeatureName.Length > 0 ? merged.FeatureName : "identity",
            ["extractor"] = merged.Extractor,
            ["with_feature_rows"] = merged.Features is not null,
        };
    }

    static JsonObject MergeSamples(string[] paths, string output, ToolContext context)
    {
        var format = Path.GetExtension(output).ToLowerInvariant() switch
        {
            ".npy" => SampleWriter.Format.Npy,
            ".csv" => SampleWriter.Format.Csv,
            _ => throw new UsageException($"--out '{output}': merged samples are written as a .npy or .csv file."),
        };
        var manifests = paths.Select(p => (Path: p, Manifest: ShardManifest.Load(p))).ToList();
        var (firstPath, first) = manifests[0];
        foreach (var (path, m) in manifests)
        {
            if (m.Shards != first.Shards || m.TotalRows != first.TotalRows || m.Columns != first.Columns || m.Source != first.Source)
                throw new InvalidDataException($"PART '{path}' is shard {m.Shard}/{m.Shards} of {m.TotalRows} rows of {m.Source}, but '{firstPath}' is shard " +
                    $"{first.Shard}/{first.Shards} of {first.TotalRows} rows of {first.Source}; only shards of one job merge.");
        }
        var repeated = manifests.GroupBy(m => m.Manifest.Shard).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new InvalidDataException($"Shard {repeated.Key}/{first.Shards} is given twice: '{string.Join("' and '", repeated.Select(r => r.Path))}'.");
        var missing = Enumerable.Range(0, first.Shards).Except(manifests.Select(m => m.Manifest.Shard)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"Shard{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(i => $"{i}/{first.Shards}"))} of the job " +
                $"{(missing.Length > 1 ? "are" : "is")} missing from the parts.");
        var values = new float[first.TotalRows * first.Columns];
        long next = 0;
        foreach (var (path, m) in manifests.OrderBy(m => m.Manifest.Shard))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (m.FirstRow != next) throw new InvalidDataException($"PART '{path}' starts at row {m.FirstRow}, but the shards before it end at row {next}.");
            if (m.Rows > 0)
            {
                var (part, rows, columns) = NpyFile.HasMagic(File.ReadAllBytes(path).AsSpan(0, Math.Min(6, (int)new FileInfo(path).Length)))
                    ? NpyFile.Read(path) : CsvFile.Read(path, context.Cancellation);
                if (rows != m.Rows || columns != m.Columns)
                    throw new InvalidDataException($"PART '{path}' holds {rows} x {columns} values, but its manifest says {m.Rows} x {m.Columns}.");
                part.CopyTo(values, next * m.Columns);
            }
            next += m.Rows;
        }
        if (next != first.TotalRows) throw new InvalidDataException($"The shards hold {next} rows, but the job has {first.TotalRows}.");
        SampleWriter.Write(output, format, values, (int)first.TotalRows, first.Columns, null, 0, first.TotalRows);
        return new JsonObject
        {
            ["command"] = "merge",
            ["kind"] = "samples",
            ["output"] = output,
            ["parts"] = paths.Length,
            ["rows"] = first.TotalRows,
            ["columns"] = first.Columns,
        };
    }
}
