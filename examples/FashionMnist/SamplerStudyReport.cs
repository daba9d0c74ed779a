using System.Text.Json;
using System.Text.Json.Nodes;
using ScoreML.Examples;

namespace FashionMnist;

/// <summary>samplers.json, the printed table, and per metric whether the best fast sampler at 50 evaluations or fewer matches PC.</summary>
internal static class SamplerStudyReport
{
    static SamplerStudyOutput Output(List<SamplerRun> runs) => new(runs, SamplerStudy.Metrics, SamplerStudy.LowerIsBetter, SamplerStudy.FastBudget);

    public static void Write(string path, RunSettings settings, List<SamplerRun> runs, string extractor, Dictionary<string, double> trainingSeconds, TimeSpan wall)
    {
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
        };
        Output(runs).Save(document, path, wall);
    }

    public static void Print(List<SamplerRun> runs) => Output(runs).Print();
}
