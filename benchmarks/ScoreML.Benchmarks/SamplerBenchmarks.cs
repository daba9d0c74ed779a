using System.Diagnostics;
using Microsoft.ML;
using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// Issue 18's sampler throughput: samples per second of each fast sampler at 50 network evaluations (the adaptive ODE at its
/// default tolerances) and of the PC sampler at 1,000 steps, unguided and with DLSM classifier guidance, on the two-moons MLP
/// (library defaults, a short training: throughput does not depend on how well the network is trained, only the adaptive
/// ODE's step count does). Then the default image U-Net (untrained, 1x28x28) on a few images, unguided and guided by the
/// Fashion-MNIST example's ResNet classifier (untrained; DLSM's guidance costs what any classifier guidance costs: a forward
/// and an input gradient through the classifier per evaluation), with the PC sampler at reduced steps, its 1,000-step time
/// extrapolated linearly (PC costs the same per step). Samplers run round-robin, every sampler once per round, so the VM's
/// speed swings spread over all of them alike; each ratio to PC is taken within a round.
/// </summary>
internal static class SamplerBenchmarks
{
    const int MoonSamples = 1000;
    const int FastBudget = 50;
    const int UNetImages = 4;
    const int UNetPcSteps = 100;

    static readonly (string Name, SamplerKind Kind)[] Fast =
    {
        ("ddim", SamplerKind.Ddim), ("heun", SamplerKind.Heun), ("dpm2m", SamplerKind.DpmSolver2M), ("dpm3s", SamplerKind.DpmSolver3S),
    };

    static SamplerOptions Options(SamplerKind kind, int? budget, int pcSteps) => new()
    {
        Kind = kind,
        Evaluations = budget,
        Steps = pcSteps,
        BatchSize = 1000,
        Seed = 1,
    };

    /// <summary>The runs of one configuration: name, options (the PC sampler last).</summary>
    static List<(string Name, SamplerOptions Options)> Runs(bool adaptive, int pcSteps)
    {
        var runs = Fast.Select(f => (f.Name, Options(f.Kind, FastBudget, pcSteps))).ToList();
        if (adaptive) runs.Add(("adaptive_ode", Options(SamplerKind.AdaptiveOde, null, pcSteps)));
        runs.Add(("pc", Options(SamplerKind.PredictorCorrector, null, pcSteps)));
        return runs;
    }

    public static Dictionary<string, object> Measure(int repeats)
    {
        int rounds = Math.Max(3, repeats);
        var result = new Dictionary<string, object>
        {
            ["samplers_setup"] = $"two moons (10,000 points, scale 20), library-default MLP 128-64-32 and DLSM + CE classifier, 300 + 100 training steps at batch 1000; " +
                                 $"{MoonSamples} samples per timing (500 per class guided), sampler batch 1000; fast samplers at {FastBudget} evaluations, " +
                                 $"adaptive ODE at its default tolerances, PC 1,000 steps; {rounds} round-robin rounds; throughput median [min, max] samples/s; " +
                                 "ratio = fast / PC throughput within each round, median [min, max]",
            ["samplers_rounds"] = rounds,
        };
        var ml = new MLContext(1);
        var data = ml.ScoreMatching().Data.TwoMoons(10_000, noise: 0, seed: 1, center: true, scale: 20);
        using var score = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions { Steps = 300, BatchSize = 1000, Seed = 1 }).Fit(data);
        using var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, new DlsmClassifierOptions { Steps = 100, BatchSize = 1000, Seed = 1 }).Fit(data);
        int[] classes = Enumerable.Range(0, MoonSamples).Select(i => i * 2 / MoonSamples).ToArray();

        var runs = Runs(adaptive: true, pcSteps: 1000);
        var guidedSamplers = runs.Select(r => classifier.CreateSampler(new ConditionalSamplerOptions { Sampler = r.Options })).ToList();
        var unguided = runs.Select(r => score.WithSampler(r.Options)).ToList();
        try
        {
            var work = new List<(string Key, Action Sample)>();
            for (int i = 0; i < runs.Count; i++)
            {
                int index = i;
                work.Add(($"{runs[i].Name}_unguided", () => unguided[index].Generate(MoonSamples)));
                work.Add(($"{runs[i].Name}_guided", () => guidedSamplers[index].Generate(classes)));
            }
            Report(result, "moons", RoundRobin(work, rounds, MoonSamples));
        }
        finally
        {
            foreach (var s in guidedSamplers) s.Dispose();
            foreach (var s in unguided) s.Dispose();
        }

        // The default U-Net: its evaluations dominate, so a few images and a tenth of PC's steps tell the ratio in a minute.
        var shape = new ImageShape(1, 28, 28);
        var unetRuns = Runs(adaptive: false, pcSteps: UNetPcSteps);
        var unetModel = new ScoreModel(new NoiseConditionalUNet(shape, new UNetOptions(), seed: 1), new VeSde(0.01, 50), CPU);
        using var unet = new ScoreModelTransformer(unetModel, unetRuns[0].Options);
        var resNet = new ResNetOptions { BaseChannels = 16, BlocksPerStage = new[] { 1, 1, 1 } };
        using var imageClassifier = new NoiseConditionalClassifier(new NoiseConditionalResNet(shape, 10, resNet, seed: 2));
        var guidedScore = ClassifierGuidance.Create(unetModel, imageClassifier, 1);
        var keys = new LabelKeys(10);
        int[] imageClasses = Enumerable.Range(0, UNetImages).Select(i => i % 10).ToArray();
        var unetSamplers = unetRuns.Select(r => unet.WithSampler(r.Options)).ToList();
        var unetGuided = unetRuns.Select(r => new ConditionalSamplingTransformer(guidedScore, unetModel.Sde, shape.Size, keys, CPU,
            new ConditionalSamplerOptions { Sampler = r.Options })).ToList();
        try
        {
            var work = new List<(string Key, Action Sample)>();
            for (int i = 0; i < unetRuns.Count; i++)
            {
                int index = i;
                work.Add(($"{unetRuns[i].Name}_unguided", () => unetSamplers[index].Generate(UNetImages)));
                work.Add(($"{unetRuns[i].Name}_guided", () => unetGuided[index].Generate(imageClasses)));
            }
            var times = RoundRobin(work, rounds, UNetImages);
            // PC at 1,000 steps costs ten times its 100 steps: every step is one predictor and one corrector evaluation.
            foreach (var mode in new[] { "unguided", "guided" })
                times[$"pc_{mode}"] = times[$"pc_{mode}"].Select(t => t * 1000.0 / UNetPcSteps).ToList();
            result["samplers_unet_setup"] = $"default U-Net (untrained) on 1x{shape.Height}x{shape.Width}, VE sigma 0.01..50, {UNetImages} images per timing, " +
                                            $"unguided and guided (alpha 1) by an untrained ResNet of {resNet.BaseChannels} channels, blocks {string.Join('-', resNet.BlocksPerStage)} " +
                                            $"(the Fashion-MNIST example's classifier); fast samplers at {FastBudget} evaluations; PC timed at {UNetPcSteps} steps and " +
                                            $"extrapolated x{1000 / UNetPcSteps} to 1,000 steps (pc is labelled extrapolated)";
            Report(result, "unet", times, extrapolatedPc: true);
        }
        finally
        {
            foreach (var s in unetSamplers) s.Dispose();
            foreach (var s in unetGuided) s.Dispose();
        }
        return result;
    }

    /// <summary>Seconds of every piece of work in every round; one warm-up pass first, untimed.</summary>
    static Dictionary<string, List<double>> RoundRobin(List<(string Key, Action Sample)> work, int rounds, int samples)
    {
        foreach (var (_, sample) in work) sample();
        var times = work.ToDictionary(w => w.Key, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
            foreach (var (key, sample) in work)
            {
                var clock = Stopwatch.StartNew();
                sample();
                times[key].Add(clock.Elapsed.TotalSeconds);
            }
        return times.ToDictionary(p => p.Key, p => p.Value.Select(t => t / samples).ToList());   // seconds per sample
    }

    /// <summary>Throughput (median [min, max] samples/s) per key and the within-round ratio to the PC sampler of the same mode.</summary>
    static void Report(Dictionary<string, object> result, string prefix, Dictionary<string, List<double>> secondsPerSample, bool extrapolatedPc = false)
    {
        foreach (var (key, seconds) in secondsPerSample)
        {
            var rates = seconds.Select(s => 1 / s).ToList();
            string name = key.StartsWith("pc", StringComparison.Ordinal) && extrapolatedPc ? key + "_extrapolated" : key;
            result[$"samplers_{prefix}_{name}_per_s"] = Spread(rates);
            string mode = key[(key.LastIndexOf('_') + 1)..];
            if (key.StartsWith("pc", StringComparison.Ordinal)) continue;
            var pc = secondsPerSample[$"pc_{mode}"];
            result[$"samplers_{prefix}_{key}_ratio_to_pc"] = Spread(seconds.Select((s, round) => pc[round] / s).ToList());
        }
    }

    static double[] Spread(List<double> values)
    {
        var sorted = values.Order().ToArray();
        double Round(double v) => Math.Round(v, v < 10 ? 2 : 1);
        return new[] { Round(sorted[sorted.Length / 2]), Round(sorted[0]), Round(sorted[^1]) };
    }
}
