using System.Text.Json;
using System.Text.Json.Nodes;
using ScoreML.Benchmarks;
using ScoreML.Examples;

namespace TwoMoons;

/// <summary>samplers.json, the printed table, and per metric whether the best fast sampler at 50 evaluations or fewer matches PC.</summary>
internal static class SamplerStudyReport
{
    // Which way is better for each metric.
    static bool HigherIsBetter(string metric) => metric != "mmd2";

    static SamplerRun BestFast(List<SamplerRun> runs, string metric) => SamplerRun.BestFast(runs, metric, HigherIsBetter(metric), SamplerStudySettings.FastBudget);

    static string Verdict(SamplerRun best, SamplerRun pc, string metric) => best.Verdict(pc, metric, HigherIsBetter(metric));

    public static void Write(string path, bool quick, int seed, SamplerStudySettings settings, List<SamplerRun> runs, double[] posteriorError, TimeSpan wall)
    {
        var pc = runs.Single(r => r.IsPredictorCorrector);
        var list = new JsonArray();
        foreach (var run in runs)
        {
            var metrics = new JsonObject();
            foreach (var (name, e) in run.Quality)
                metrics[name] = new JsonObject { ["value"] = Math.Round(e.Value, 6), ["ci95"] = new JsonArray(Math.Round(e.Low, 6), Math.Round(e.High, 6)) };
            list.Add(new JsonObject
            {
                ["sampler"] = run.Sampler,
                ["kind"] = run.Kind.ToString(),
                ["eta"] = run.Eta,
                ["churn"] = run.Churn,
                ["corrector_batch_mean_norms"] = run.BatchMean,
                ["nfe_budget"] = run.Budget,
                ["nfe_counted"] = Math.Round(run.CountedEvaluations, 2),
                ["seconds_per_1000_samples"] = Math.Round(run.SecondsPerThousand, 3),
                ["seconds_per_1000_samples_rounds"] = new JsonArray(run.SecondsPerThousandRounds.Select(t => (JsonNode)Math.Round(t, 3)).ToArray()),
                ["metrics"] = metrics,
            });
        }
        var comparison = new JsonObject();
        foreach (var metric in ClassSampleQuality.Metrics)
        {
            var best = BestFast(runs, metric);
            comparison[metric] = new JsonObject
            {
                ["best_fast"] = best.Label,
                ["verdict"] = Verdict(best, pc, metric),
                ["wall_time_ratio_pc_over_best_fast"] = Math.Round(pc.SecondsPerThousand / best.SecondsPerThousand, 2),
            };
        }
        var document = new JsonObject
        {
            ["study"] = "Issue 18: sample quality against network evaluations, DLSM-guided two moons",
            ["quick"] = quick,
            ["seed"] = seed,
            ["rows"] = settings.Rows,
            ["scale"] = SamplerStudySettings.Scale,
            ["score_steps"] = settings.ScoreSteps,
            ["classifier_steps"] = settings.ClassifierSteps,
            ["batch_size"] = settings.BatchSize,
            ["networks"] = "library defaults: ScoreModelOptions (DSM, lambda = sigma^2, VE sigma 0.01 .. from the data, EMA 0.999, Adam 1e-3), " +
                           "MlpOptions (128-64-32 SiLU, log-sigma input, output / sigma), DlsmClassifierOptions (DLSM + CE, lambda 1)",
            ["samples_per_class"] = settings.SamplesPerClass,
            ["sampler_batch"] = SamplerStudySettings.SamplerBatch,
            ["guidance"] = "DLSM classifier guidance, alpha 1",
            ["metrics"] = "against the clean moons of the asked class (as many points as generated): precision/recall k = 5; class_share: nearest clean " +
                          "point has the asked class; mmd2: unbiased MMD^2, Gaussian kernel, bandwidth the class's median distance; both classes averaged",
            ["ci"] = $"95 % bootstrap percentile interval over generated rows, {settings.Resamples} resamples, centred on the estimate",
            ["timing"] = $"seconds per 1,000 DLSM-guided samples: median of {SamplerStudySettings.TimingRounds} round-robin rounds over all samplers, " +
                         $"one batch of {SamplerStudySettings.SamplerBatch} rows each; the machine was shared with other builds",
            ["d_p_sigma_7_5"] = new JsonArray(Math.Round(posteriorError[0], 6), Math.Round(posteriorError[1], 6)),
            ["torch_threads"] = TorchSharp.torch.get_num_threads(),
            ["wall_seconds"] = Math.Round(wall.TotalSeconds, 1),
            ["machine"] = JsonSerializer.SerializeToNode(MachineDescription.Describe()),
            ["runs"] = list,
            ["fast_against_pc"] = comparison,
        };
        File.WriteAllText(path + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static void Print(List<SamplerRun> runs, double[] posteriorError)
    {
        Console.WriteLine();
        Console.WriteLine($"D_P at sigma 7.5 (the score field; the same for every sampler): {posteriorError[0]:F3} | {posteriorError[1]:F3}");
        Console.WriteLine($"{"sampler",-16} {"NFE",7} {"s/1k",7}  " + string.Join("  ", ClassSampleQuality.Metrics.Select(m => $"{m,-27}")));
        foreach (var run in runs)
            Console.WriteLine($"{run.Label,-16} {run.CountedEvaluations,7:F1} {run.SecondsPerThousand,7:F2}  " +
                              string.Join("  ", ClassSampleQuality.Metrics.Select(m => $"{run.Quality[m],-27}")));
        var pc = runs.Single(r => r.IsPredictorCorrector);
        Console.WriteLine();
        foreach (var metric in ClassSampleQuality.Metrics)
        {
            var best = BestFast(runs, metric);
            Console.WriteLine($"{metric}: best at <= {SamplerStudySettings.FastBudget} NFE is {best.Label} {best.Quality[metric]}, " +
                              $"PC {pc.Quality[metric]}: {Verdict(best, pc, metric)}; wall time PC / {best.Label} = " +
                              $"{pc.SecondsPerThousand / best.SecondsPerThousand:F1}");
        }
    }
}
