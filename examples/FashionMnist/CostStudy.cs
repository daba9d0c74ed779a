using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using ScoreML;
using ScoreML.Benchmarks;
using ScoreML.Examples;
using ScoreML.Images;

namespace FashionMnist;

/// <summary>
/// What classifier-free guidance costs beside DLSM at the study's sizes (--costs), measured round-robin in one process
/// (<see cref="RoundRobinCosts"/>): a training step of the unconditional score model, the class-conditional one, the CE and the
/// DLSM + CE classifiers at the study's batch size; and a step of each method's sampler (base, DLSM + CE, CFG at w = 0 and
/// w = 1; w = 3 costs what w = 1 does) on the same requests, batches of the study's sampler. The samplers run on networks
/// trained for <see cref="SamplerNetworkSteps"/> steps (the quick preset's length): a fixed-budget sampler takes the same steps
/// whatever the network says, and that length keeps the samples in the range the study's are in, where a few-step network's
/// might stray. The adaptive ODE is refused, since its steps depend on the network. From these it derives each method's
/// training time at the study's steps, its sampling time per image at the study's budget, and the budget at which CFG's
/// sampler costs what DLSM's does at the study's own: "matched sampling cost".
/// </summary>
internal sealed class CostStudy
{
    /// <summary>The samplers timed: the study's methods whose sampler steps differ in cost.</summary>
    public static readonly string[] SamplingMethods = { "base", "dlsm+ce", "cfg-0", "cfg-1" };

    /// <summary>The networks whose training steps are timed (checkpoint names as in the study).</summary>
    public static readonly string[] Networks = { "score", "score-cond", "CE", "DLSM+CE" };

    /// <summary>Training steps of the networks the samplers run on (the quick preset's score-model length).</summary>
    public const int SamplerNetworkSteps = 300;

    /// <summary>Requests per sampler probe: one of the study's sampler batches, every class alike.</summary>
    const int ProbeRows = 250;

    readonly MLContext ml;
    readonly RunSettings settings;
    readonly IDataView trainView;

    public CostStudy(RunSettings settings, LabelledImages train)
    {
        this.settings = settings;
        ml = new MLContext(settings.Seed);
        trainView = train.ToDataView(ml);
    }

    /// <summary>Per-step costs of every network and sampler, in milliseconds, medians of the round-robin rounds with their range.</summary>
    public (Dictionary<string, RoundRobinCosts.StepCost> Training, Dictionary<string, RoundRobinCosts.StepCost> Sampling) Measure()
    {
        // Briefly trained networks for the classifiers to train on and for the samplers to run.
        var briefly = settings with { ScoreSteps = SamplerNetworkSteps, ClassifierSteps = SamplerNetworkSteps };
        ScoreModelTransformer Score(bool conditional)
        {
            var options = SeedRun.ScoreOptions(briefly, conditional);
            options.Progress = new ConsoleProgressBar(conditional ? "score-cond" : "score");
            return ml.ScoreMatching().Trainers.ScoreModel(options).Fit(trainView);
        }
        NoiseConditionalClassifierTransformer Classifier(ScoreModel prior, ClassifierLoss loss)
        {
            var options = SeedRun.ClassifierOptions(briefly, loss);
            options.Progress = new ConsoleProgressBar(GuidanceMethod.ClassifierNameOf(loss));
            return ml.ScoreMatching().Trainers.DlsmClassifier(prior, options).Fit(trainView);
        }
        using var score = Score(conditional: false);
        using var conditional = Score(conditional: true);

        var sized = settings with { ScoreSteps = RoundRobinCosts.TimedRunSteps, ClassifierSteps = RoundRobinCosts.TimedRunSteps };
        double StepMilliseconds(string network)
        {
            if (network is "score" or "score-cond")
            {
                var clock = new RoundRobinCosts.StepClock<TrainingProgress>();
                var options = SeedRun.ScoreOptions(sized, conditional: network == "score-cond");
                (options.Progress, options.ProgressInterval) = (clock, 1);
                using (ml.ScoreMatching().Trainers.ScoreModel(options).Fit(trainView)) { }
                return clock.MedianStepMilliseconds;
            }
            else
            {
                var clock = new RoundRobinCosts.StepClock<ClassifierTrainingProgress>();
                var options = SeedRun.ClassifierOptions(sized, network == "CE" ? ClassifierLoss.CrossEntropy : ClassifierLoss.DlsmPlusCrossEntropy);
                (options.Progress, options.ProgressInterval) = (clock, 1);
                using (ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, options).Fit(trainView)) { }
                return clock.MedianStepMilliseconds;
            }
        }
        Console.WriteLine($"  training steps at batch {settings.BatchSize}, {RoundRobinCosts.Rounds} rounds of {string.Join(", ", Networks)}...");
        var training = RoundRobinCosts.Training(Networks, StepMilliseconds);

        using var ce = Classifier(score.Model, ClassifierLoss.CrossEntropy);
        using var dlsm = Classifier(score.Model, ClassifierLoss.DlsmPlusCrossEntropy);
        var samplers = new Dictionary<string, ConditionalSamplingTransformer>();
        try
        {
            foreach (var name in SamplingMethods)
            {
                var method = GuidanceMethod.All.Single(m => m.Name == name);
                var options = method.SamplerOptions(settings.Sampler);
                samplers[name] = method.IsClassifierFree ? conditional.CreateSampler(options)
                    : (method.Loss == ClassifierLoss.CrossEntropy ? ce : dlsm).CreateSampler(options);
            }
            int[] classes = Enumerable.Range(0, ProbeRows).Select(i => i % 10).ToArray();
            Console.WriteLine($"  sampler steps on {ProbeRows} requests, {settings.SamplerDescription}, {RoundRobinCosts.Rounds} rounds of {string.Join(", ", SamplingMethods)}...");
            var sampling = RoundRobinCosts.Sampling(samplers, classes, Evaluations);
            // Per request row: the probes time whole batches of the sampler's size.
            return (training, sampling.ToDictionary(p => p.Key, p => p.Value with
            {
                Median = p.Value.Median / ProbeRows, Min = p.Value.Min / ProbeRows, Max = p.Value.Max / ProbeRows,
            }));
        }
        finally
        {
            foreach (var sampler in samplers.Values) sampler.Dispose();
        }
    }

    /// <summary>Network evaluations (sampler steps) per image at the study's budget.</summary>
    int Evaluations => settings.SamplerEvaluations ?? settings.SamplerSteps;

    /// <summary>costs.json: the per-step costs and what they make of the study's training and sampling, and the matched budgets.</summary>
    public void Write(string path, Dictionary<string, RoundRobinCosts.StepCost> training, Dictionary<string, RoundRobinCosts.StepCost> sampling, TimeSpan wall)
    {
        double Train(string network, int steps) => steps * training[network].Median / 1000;
        double cfgTraining = Train("score-cond", settings.ScoreSteps);
        double dlsmTraining = Train("score", settings.ScoreSteps) + Train("DLSM+CE", settings.ClassifierSteps);
        double PerImage(string method) => sampling[method].Median * Evaluations / 1000;
        // The budget at which a CFG (w > 0) image costs what a DLSM + CE image costs at the study's budget, and the other way round.
        double cfgMatched = Evaluations * sampling["dlsm+ce"].Median / sampling["cfg-1"].Median;
        double dlsmMatched = Evaluations * sampling["cfg-1"].Median / sampling["dlsm+ce"].Median;
        // The fastest rounds too: on a noisy machine the minimum is the steadier estimate of what a step needs.
        double cfgMatchedFastest = Evaluations * sampling["dlsm+ce"].Min / sampling["cfg-1"].Min;
        var steps = new JsonObject();
        foreach (var (name, cost) in training) steps[name] = JsonSerializer.SerializeToNode(cost.ToArray());
        var samplerSteps = new JsonObject();
        foreach (var (name, cost) in sampling) samplerSteps[name] = JsonSerializer.SerializeToNode(cost.ToArray());
        var document = new JsonObject
        {
            ["study"] = "Issue 21: what classifier-free guidance costs beside DLSM at the Fashion-MNIST study's sizes",
            ["machine"] = JsonSerializer.SerializeToNode(MachineDescription.Describe()),
            ["settings"] = JsonSerializer.SerializeToNode(settings),
            ["note"] = $"medians of {RoundRobinCosts.Rounds} round-robin rounds [median, min, max]; training: the median step of a {RoundRobinCosts.TimedRunSteps}-step run after its first {RoundRobinCosts.StepClock<TrainingProgress>.SettleSteps}, " +
                       $"batch {settings.BatchSize}; sampling: {settings.SamplerDescription}, {ProbeRows} requests in batches of {settings.Sampler.BatchSize}, " +
                       "milliseconds per image per network evaluation (sampler step), on networks trained {SamplerNetworkSteps} steps",
            ["training_ms_per_step"] = steps,
            ["sampling_ms_per_image_step"] = samplerSteps,
            ["training_seconds"] = new JsonObject
            {
                ["cfg: conditional score model"] = Math.Round(cfgTraining, 1),
                ["dlsm+ce: score model + DLSM+CE classifier"] = Math.Round(dlsmTraining, 1),
                ["ratio cfg / dlsm+ce"] = Math.Round(cfgTraining / dlsmTraining, 3),
            },
            ["sampling_seconds_per_image"] = new JsonObject(SamplingMethods.Select(m => KeyValuePair.Create(m, (JsonNode?)Math.Round(PerImage(m), 5)))),
            ["sampling_ratio_cfg1_over_dlsm_ce"] = Math.Round(sampling["cfg-1"].Median / sampling["dlsm+ce"].Median, 3),
            ["sampling_ratio_cfg1_over_dlsm_ce_fastest_rounds"] = Math.Round(sampling["cfg-1"].Min / sampling["dlsm+ce"].Min, 3),
            ["matched_sampling_cost"] = new JsonObject
            {
                ["study_evaluations"] = Evaluations,
                ["cfg_evaluations_at_dlsm_ce_cost"] = Math.Round(cfgMatched, 1),
                ["dlsm_ce_evaluations_at_cfg_cost"] = Math.Round(dlsmMatched, 1),
                ["cfg_evaluations_at_dlsm_ce_cost_fastest_rounds"] = Math.Round(cfgMatchedFastest, 1),
            },
            ["wall_time_s"] = Math.Round(wall.TotalSeconds, 1),
        };
        File.WriteAllText(path + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
        Console.WriteLine($"  training: CFG's conditional model {cfgTraining:F0} s against DLSM's score model + DLSM + CE classifier {dlsmTraining:F0} s " +
                          $"(ratio {cfgTraining / dlsmTraining:F2}) at {settings.ScoreSteps} and {settings.ClassifierSteps} steps");
        foreach (var method in SamplingMethods)
            Console.WriteLine($"  sampling {method,-8} {sampling[method].Median:F3} ms per image per step [{sampling[method].Min:F3}, {sampling[method].Max:F3}], " +
                              $"{PerImage(method) * 1000:F1} ms per image at {Evaluations} evaluations");
        Console.WriteLine($"  matched sampling cost: CFG (w > 0) at {cfgMatched.ToString("F1", CultureInfo.InvariantCulture)} evaluations " +
                          $"({cfgMatchedFastest.ToString("F1", CultureInfo.InvariantCulture)} by the fastest rounds) costs what DLSM + CE does at {Evaluations}; " +
                          $"DLSM + CE at {dlsmMatched.ToString("F1", CultureInfo.InvariantCulture)} what CFG does at {Evaluations}.");
    }
}
