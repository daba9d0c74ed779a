using System.Text.Json;
using System.Text.Json.Nodes;
using ScoreML.Benchmarks;
using ScoreML.Examples;

namespace FashionMnist;

/// <summary>samplers.json, the printed table, and per metric whether the best fast sampler at 50 evaluations or fewer matches PC.</summary>
internal static class SamplerStudyReport
{
    static bool HigherIsBetter(string metric) => !SamplerStudy.LowerIsBetter.Contains(metric);

    static SamplerRun BestFast(List<SamplerRun> runs, string metric) => SamplerRun.BestFast(runs, metric, HigherIsBetter(metric), SamplerStudy.FastBudget);

    public static void Write(string path, RunSettings settings, List<SamplerRun> runs, string extractor, Dictionary<string, double> trainingSeconds, TimeSpan wall)
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
                ["nfe_budget"] = run.Budget,
                ["nfe_counted"] = Math.Round(run.CountedEvaluations, 2),
                ["seconds_per_1000_images"] = Math.Round(run.SecondsPerThousand, 2),
                ["metrics"] = metrics,
            });
        }
        var comparison = new JsonObject();
        foreach (var metric in SamplerStudy.Metrics)
        {
            var best = BestFast(runs, metric);
            comparison[metric] = new JsonObject
            {
                ["best_fast"] = best.Label,
                ["verdict"] = best.Verdict(pc, metric, HigherIsBetter(metric)),
                ["wall_time_ratio_pc_over_best_fast"] = Math.Round(pc.SecondsPerThousand / best.SecondsPerThousand, 2),
            };
        }
        var document = new JsonObject
        {
            ["study"] = "Issue 18: sample quality against network evaluations, DLSM-guided Fashion-MNIST",
            ["settings"] = JsonSerializer.SerializeToNode(settings),
            ["samples_per_class"] = settings.SamplesPerClass,
            ["sampler_batch"] = SamplerStudy.SamplerBatch,
            ["guidance"] = "DLSM classifier guidance, alpha 1",
            ["features"] = extractor,
            ["metrics"] = $"against the {settings.RealTestImages} test images: fid (Frechet distance) and kid (KID, 100 subsets of up to 1,000) on " +
                          "the domain classifier's features; cas: accuracy on the test images of a classifier trained on the generated images (CasOptions defaults)",
            ["ci"] = $"fid, kid: 95 % bootstrap percentile interval over generated rows, {SamplerStudy.Resamples} resamples, centred on the estimate " +
                     "(KID with 10 subsets per resample); cas: Wilson 95 % interval over the test images",
            ["timing"] = "seconds per 1,000 DLSM-guided images, measured while the quality set was sampled (one run each, in the order listed), " +
                         $"batches of {SamplerStudy.SamplerBatch}",
            ["training_seconds"] = JsonSerializer.SerializeToNode(trainingSeconds),
            ["torch_threads"] = TorchSharp.torch.get_num_threads(),
            ["wall_seconds"] = Math.Round(wall.TotalSeconds, 1),
            ["machine"] = JsonSerializer.SerializeToNode(MachineDescription.Describe()),
            ["runs"] = list,
            ["fast_against_pc"] = comparison,
        };
        File.WriteAllText(path + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static void Print(List<SamplerRun> runs)
    {
        Console.WriteLine();
        Console.WriteLine($"{"sampler",-18} {"NFE",7} {"s/1k",8}  " + string.Join("  ", SamplerStudy.Metrics.Select(m => $"{m,-27}")));
        foreach (var run in runs)
            Console.WriteLine($"{run.Label,-18} {run.CountedEvaluations,7:F1} {run.SecondsPerThousand,8:F1}  " +
                              string.Join("  ", SamplerStudy.Metrics.Select(m => $"{run.Quality[m],-27}")));
        var pc = runs.Single(r => r.IsPredictorCorrector);
        Console.WriteLine();
        foreach (var metric in SamplerStudy.Metrics)
        {
            var best = BestFast(runs, metric);
            Console.WriteLine($"{metric}: best at <= {SamplerStudy.FastBudget} NFE is {best.Label} {best.Quality[metric]}, PC {pc.Quality[metric]}: " +
                              $"{best.Verdict(pc, metric, HigherIsBetter(metric))}; wall time PC / {best.Label} = {pc.SecondsPerThousand / best.SecondsPerThousand:F1}");
        }
    }
}
