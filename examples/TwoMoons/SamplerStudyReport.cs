using System.Text.Json;
using System.Text.Json.Nodes;
using ScoreML.Examples;

namespace TwoMoons;

/// <summary>samplers.json, the printed table, and per metric whether the best fast sampler at 50 evaluations or fewer matches PC.</summary>
internal static class SamplerStudyReport
{
    static SamplerStudyOutput Output(List<SamplerRun> runs) =>
        new(runs, ClassSampleQuality.Metrics, new HashSet<string> { "mmd2" }, SamplerStudySettings.FastBudget);

    public static void Write(string path, bool quick, int seed, SamplerStudySettings settings, List<SamplerRun> runs, double[] posteriorError, TimeSpan wall)
    {
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
        };
        Output(runs).Save(document, path, wall);
    }

    public static void Print(List<SamplerRun> runs, double[] posteriorError)
    {
        Console.WriteLine();
        Console.WriteLine($"D_P at sigma 7.5 (the score field; the same for every sampler): {posteriorError[0]:F3} | {posteriorError[1]:F3}");
        Output(runs).Print();
    }
}
