using System.Diagnostics;
using Microsoft.ML;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// The two-moons configuration of the DLSM paper's toy study as issue 7 fixes it: 10,000 points (centred, scale 20), the
/// noise-conditional MLP 128-64-32, batch 4000, Adam, VE SDE with sigma 0.001..10. Training is timed through the public
/// estimators, so the numbers include everything a user's Fit pays per step.
/// </summary>
internal static class TrainingBenchmarks
{
    const int Rows = 10_000;
    const int BatchSize = 4000;
    const int WarmupSteps = 20;

    static IDataView Moons(MLContext ml) => ml.ScoreMatching().Data.TwoMoons(Rows, noise: 0, seed: 1, center: true, scale: 20);

    static ScoreModelOptions ScoreOptions(Objective objective, int steps) => new()
    {
        Objective = objective,
        Steps = steps,
        BatchSize = BatchSize,
        LearningRate = 1e-3,
        EmaDecay = null,
        Seed = 1,
        Mlp = new MlpOptions(),
        Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = 1e-3, SigmaMax = 10 },
    };

    /// <summary>Median wall time of a training step (steps after a warm-up), read from the run's own per-step clock.</summary>
    public static Dictionary<string, object> ScoreObjective(string key, Objective objective, int steps)
    {
        var ml = new MLContext(1);
        using var model = ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions(objective, steps + WarmupSteps)).Fit(Moons(ml));
        var summary = model.Model.Training!;
        var timed = summary.StepMilliseconds.Skip(WarmupSteps).Order().ToArray();
        return new Dictionary<string, object>
        {
            [$"{key}_ms_per_step"] = Math.Round(timed[timed.Length / 2], 2),
            [$"{key}_ms_per_step_p10_p90"] = new[] { Math.Round(timed[timed.Length / 10], 2), Math.Round(timed[timed.Length * 9 / 10], 2) },
            [$"{key}_loss_first_last"] = new[] { summary.Losses[0], (float)summary.FinalLoss() },
        };
    }

    /// <summary>
    /// The DLSM + CE classifier on the frozen score model: time per step from two runs of different lengths (their
    /// difference cancels the setup: reading the data, building the network).
    /// </summary>
    public static Dictionary<string, object> DlsmClassifier(int steps)
    {
        var ml = new MLContext(1);
        var data = Moons(ml);
        using var score = ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions(Objective.Dsm, 5)).Fit(data);
        double Seconds(int n)
        {
            var options = new DlsmClassifierOptions
            {
                Loss = ClassifierLoss.DlsmPlusCrossEntropy, Steps = n, BatchSize = BatchSize, LearningRate = 1e-3, Seed = 1,
                Mlp = new MlpOptions { ScaleOutputBySigma = false },
            };
            var clock = Stopwatch.StartNew();
            using (ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, options).Fit(data)) { }
            return clock.Elapsed.TotalSeconds;
        }
        Seconds(WarmupSteps);
        double shortRun = Seconds(WarmupSteps), longRun = Seconds(WarmupSteps + steps);
        return new Dictionary<string, object>
        {
            ["dlsm_ms_per_step"] = Math.Round((longRun - shortRun) * 1000 / steps, 2),
        };
    }

    /// <summary>
    /// Resident memory during <paramref name="steps"/> DSM steps of one run, read (after a garbage collection and a trim of
    /// the C heap) at the step that ends the first tenth, at the middle and at the last step (inside the run, so what Fit
    /// builds afterwards does not count), with the live tensor count beside each: a leak of native tensors (a step outside a
    /// dispose scope) shows as growth that continues from the middle to the end; allocator warm-up does not.
    /// </summary>
    public static Dictionary<string, object> NativeMemory(int steps)
    {
        var ml = new MLContext(1);
        var options = ScoreOptions(Objective.Dsm, steps);
        return MemoryReadings("native_mem", steps, options, () => ml.ScoreMatching().Trainers.ScoreModel(options).Fit(Moons(ml)));
    }

    /// <summary>
    /// Resident memory (native libtorch memory included) at a tenth, half and all of <paramref name="steps"/> training steps
    /// of <paramref name="fit"/> (which trains with <paramref name="options"/>, given the progress reports here), after a
    /// full garbage collection and handing free memory back, under keys starting with <paramref name="prefix"/>; the growth
    /// between the readings is what a leak would show as.
    /// </summary>
    internal static Dictionary<string, object> MemoryReadings(string prefix, int steps, ScoreModelOptions options, Func<IDisposable> fit)
    {
        var readings = new SortedDictionary<int, double>();
        var liveTensors = new SortedDictionary<int, long>();
        var progress = new Progress(p =>
        {
            if (p.Step != steps / 10 && p.Step != steps / 2 && p.Step != steps) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            ProcessMemory.ReleaseFreeMemory();
            readings[p.Step] = Math.Round(ProcessMemory.ResidentMiB(), 1);
            liveTensors[p.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        });
        options.ProgressInterval = Math.Max(1, steps / 20);
        options.Progress = progress;
        using (fit()) { }
        return new Dictionary<string, object>
        {
            [$"{prefix}_steps"] = steps,
            [$"{prefix}_by_step_mib"] = readings.ToDictionary(r => r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.Value),
            [$"{prefix}_growth_mib"] = Math.Round(readings[steps] - readings[steps / 10], 1),
            [$"{prefix}_growth_second_half_mib"] = Math.Round(readings[steps] - readings[steps / 2], 1),
            [$"{prefix}_live_tensors_by_step"] = liveTensors.ToDictionary(r => r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.Value),
        };
    }

    /// <summary>
    /// 10,000 two-moons samples with <paramref name="steps"/> PC steps (reverse-diffusion predictor and one Langevin corrector
    /// step, so two network evaluations per step) at the sampler's default batch of 1000, from a briefly trained DSM model
    /// (the network's cost does not depend on its weights). Evaluations are counted per row. The network's share is the time
    /// inside the score network's calls over the wall time, both from one more run of the same sampling.
    /// </summary>
    public static Dictionary<string, object> Sampler(int samples, int steps)
    {
        var ml = new MLContext(1);
        var options = ScoreOptions(Objective.Dsm, 50);
        options.Sampler = new SamplerOptions { Steps = steps, BatchSize = 1000, Seed = 1 };
        using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(Moons(ml));
        model.WithSampler(new SamplerOptions { Steps = 10, BatchSize = 1000, Seed = 1 }).Generate(1000);   // warm-up
        var clock = Stopwatch.StartNew();
        model.Generate(samples);
        double wall = clock.Elapsed.TotalSeconds;
        long evaluations = 2L * steps * samples;

        // The network's share, from a second run of the same sampling through the public Sampler with the score function
        // wrapped in a clock: both parts are timed in that one run, so the VM's changing speed cancels out of the ratio.
        var scoreModel = model.Model;
        var network = scoreModel.AsScoreFunction();
        var networkClock = new Stopwatch();
        ScoreML.ScoreFunction timed = (x, t) =>
        {
            networkClock.Start();
            var score = network(x, t);
            networkClock.Stop();
            return score;
        };
        clock.Restart();
        int batchSize = options.Sampler.BatchSize;
        for (int batch = 0; batch < samples / batchSize; batch++)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)batch + 1);
            ScoreML.Sampler.Sample(timed, scoreModel.Sde, batchSize, scoreModel.Dimension, options.Sampler, generator, scoreModel.Device);
        }
        double instrumentedSeconds = clock.Elapsed.TotalSeconds;
        return new Dictionary<string, object>
        {
            ["sampler_10k_1000pc_s"] = Math.Round(wall, 2),
            ["sampler_evals_per_s"] = Math.Round(evaluations / wall, 0),
            ["sampler_network_share"] = Math.Round(networkClock.Elapsed.TotalSeconds / instrumentedSeconds, 3),
            ["sampler_instrumented_run_s"] = Math.Round(instrumentedSeconds, 2),
        };
    }

    sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
