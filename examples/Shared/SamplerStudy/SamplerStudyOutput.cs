using System.Text.Json;
using System.Text.Json.Nodes;
using ScoreML;
using ScoreML.Benchmarks;

namespace ScoreML.Examples;

/// <summary>
/// What both sampler studies (two moons, Fashion-MNIST) write and print of their runs: each run's settings, cost and metrics
/// with intervals, and per metric whether the best fast sampler at the study's budget matches the PC sampler.
/// </summary>
internal sealed class SamplerStudyOutput(List<SamplerRun> runs, IReadOnlyList<string> metrics, IReadOnlySet<string> lowerIsBetter, int fastBudget)
{
    readonly SamplerRun pc = runs.Single(r => r.IsPredictorCorrector);

    bool HigherIsBetter(string metric) => !lowerIsBetter.Contains(metric);

    SamplerRun BestFast(string metric) => SamplerRun.BestFast(runs, metric, HigherIsBetter(metric), fastBudget);

    /// <summary>The "runs" array of samplers.json.</summary>
    public JsonArray Runs()
    {
        var list = new JsonArray();
        foreach (var run in runs)
        {
            var values = new JsonObject();
            foreach (var (name, e) in run.Quality)
                values[name] = new JsonObject { ["value"] = Math.Round(e.Value, 6), ["ci95"] = new JsonArray(Math.Round(e.Low, 6), Math.Round(e.High, 6)) };
            list.Add(new JsonObject
            {
                ["sampler"] = run.Sampler,
                ["kind"] = run.Kind.ToString(),
                ["eta"] = run.Eta,
                ["churn"] = run.Churn,
                ["corrector_batch_mean_norms"] = run.BatchMean,
                ["ode_tolerance"] = run.Kind == SamplerKind.AdaptiveOde ? run.OdeTolerance ?? new SamplerOptions().RelativeTolerance : null,
                ["nfe_budget"] = run.Budget,
                ["nfe_counted"] = Math.Round(run.CountedEvaluations, 2),
                ["seconds_per_1000_samples"] = Math.Round(run.SecondsPerThousand, 3),
                ["seconds_per_1000_samples_rounds"] = new JsonArray(run.SecondsPerThousandRounds.Select(t => (JsonNode)Math.Round(t, 3)).ToArray()),
                ["metrics"] = values,
            });
        }
        return list;
    }

    /// <summary>The "fast_against_pc" object of samplers.json: per metric the best fast run, its verdict and the wall-time ratio.</summary>
    public JsonObject Comparison()
    {
        var comparison = new JsonObject();
        foreach (var metric in metrics)
        {
            var best = BestFast(metric);
            comparison[metric] = new JsonObject
            {
                ["best_fast"] = best.Label,
                ["verdict"] = best.Verdict(pc, metric, HigherIsBetter(metric)),
                ["wall_time_ratio_pc_over_best_fast"] = Math.Round(pc.SecondsPerThousand / best.SecondsPerThousand, 2),
            };
        }
        return comparison;
    }

    /// <summary>
    /// Writes samplers.json: <paramref name="document"/> (the study's own settings) with the threads, the wall time, the
    /// machine, the runs and the comparison added, indented, through a temporary file.
    /// </summary>
    public void Save(JsonObject document, string path, TimeSpan wall)
    {
        document["torch_threads"] = TorchSharp.torch.get_num_threads();
        document["wall_seconds"] = Math.Round(wall.TotalSeconds, 1);
        document["machine"] = JsonSerializer.SerializeToNode(MachineDescription.Describe());
        document["runs"] = Runs();
        document["fast_against_pc"] = Comparison();
        File.WriteAllText(path + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The table of every run, then a line per metric comparing the best fast run with PC.</summary>
    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"{"sampler",-24} {"NFE",7} {"s/1k",8}  " + string.Join("  ", metrics.Select(m => $"{m,-27}")));
        foreach (var run in runs)
            Console.WriteLine($"{run.Label,-24} {run.CountedEvaluations,7:F1} {run.SecondsPerThousand,8:F2}  " +
                              string.Join("  ", metrics.Select(m => $"{run.Quality[m],-27}")));
        Console.WriteLine();
        foreach (var metric in metrics)
        {
            var best = BestFast(metric);
            Console.WriteLine($"{metric}: best at <= {fastBudget} NFE is {best.Label} {best.Quality[metric]}, PC {pc.Quality[metric]}: " +
                              $"{best.Verdict(pc, metric, HigherIsBetter(metric))}; wall time PC / {best.Label} = {pc.SecondsPerThousand / best.SecondsPerThousand:F1}");
        }
    }
}
