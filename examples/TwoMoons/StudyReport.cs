using System.Text.Json;
using System.Text.Json.Nodes;
using ScoreML.Examples;

namespace TwoMoons;

/// <summary>results.json and the printed table next to the paper's Table 1.</summary>
internal static class StudyReport
{
    public static void Write(string outDir, bool quick, int seed, StudySettings settings, Dictionary<string, MethodResult> results,
        Dictionary<string, TrainingCurve> curves, Costs costs, TimeSpan wall)
    {
        var methods = new JsonObject();
        foreach (var (name, r) in results)
        {
            var paper = PaperTable1.Of(name);
            methods[name] = new JsonObject
            {
                ["d_p"] = Pair(r.PosteriorError),
                ["d_l"] = Pair(r.LikelihoodError),
                ["precision"] = Pair(r.Precision),
                ["recall"] = Pair(r.Recall),
                ["precision_clean"] = Pair(r.PrecisionClean),
                ["recall_clean"] = Pair(r.RecallClean),
                ["paper"] = new JsonObject
                {
                    ["d_p"] = Pair(paper.DP), ["d_l"] = Pair(paper.DL), ["precision"] = Pair(paper.Precision), ["recall"] = Pair(paper.Recall),
                },
            };
        }
        var ablation = new JsonObject();
        foreach (var (name, curve) in curves)
            ablation[name] = new JsonObject
            {
                ["steps"] = new JsonArray(curve.Steps.Select(s => (JsonNode)s).ToArray()),
                ["d_p"] = Array(curve.PosteriorError),
                ["d_l"] = Array(curve.LikelihoodError),
                ["cross_entropy"] = Array(curve.CrossEntropy),
            };
        var document = new JsonObject
        {
            ["study"] = "DLSM two moons (Chao et al. 2022, Table 1), settings of chen-hao-chao/dlsm-toy",
            ["quick"] = quick,
            ["seed"] = seed,
            ["rows"] = settings.Rows,
            ["score_steps"] = settings.ScoreSteps,
            ["classifier_steps"] = settings.ClassifierSteps,
            ["batch_size"] = settings.BatchSize,
            ["samples_per_class"] = settings.SamplesPerClass,
            ["sampler"] = $"VE predictor-corrector, {settings.SamplerSteps} steps, sigma {StudySettings.SigmaMax} -> {StudySettings.SigmaMin}, snr 0.16",
            ["evaluation_sigma"] = StudySettings.EvaluationSigma,
            ["grid"] = $"{settings.GridDensity} x {settings.GridDensity} over [-40, 40] x [-25, 25]",
            ["precision_recall"] = "k = 5; precision/recall against the class's points plus N(0, 7.5^2) noise (the toy code's reference); " +
                                   "precision_clean/recall_clean against the clean points",
            ["wall_seconds"] = Math.Round(wall.TotalSeconds, 1),
            ["methods"] = methods,
            ["ablation"] = ablation,
            ["costs"] = Costs(costs),
        };
        string path = Path.Combine(outDir, "results.json");
        File.WriteAllText(path + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    // Classifier-free guidance's cost beside DLSM's, measured in this run (RoundRobinCosts): per-step medians with their range.
    static JsonObject Costs(Costs costs) => new()
    {
        ["note"] = $"medians of {RoundRobinCosts.Rounds} round-robin rounds [min, max]; training: the median step of a {RoundRobinCosts.TimedRunSteps}-step run after its first {RoundRobinCosts.StepClock<object>.SettleSteps}; sampling: PC steps " +
                   $"on {costs.SamplingRows} rows (both classes)",
        ["machine"] = JsonSerializer.SerializeToNode(ScoreML.Benchmarks.MachineDescription.Describe()),
        ["training_ms_per_step"] = Steps(costs.TrainingMilliseconds),
        ["sampling_ms_per_step"] = Steps(costs.SamplingMilliseconds),
        ["training_seconds"] = new JsonObject
        {
            ["cfg_conditional_model"] = Math.Round(costs.ConditionalSeconds, 1),
            ["dlsm_score_model_plus_classifier"] = Math.Round(costs.ScorePlusClassifierSeconds, 1),
            ["ratio"] = Math.Round(costs.TrainingRatio, 3),
        },
        ["sampling_ratio_cfg_w1_over_dlsm"] = Math.Round(costs.SamplingRatio, 3),
    };

    static JsonObject Steps(Dictionary<string, RoundRobinCosts.StepCost> steps)
    {
        var result = new JsonObject();
        foreach (var (name, cost) in steps) result[name] = Array(cost.ToArray());
        return result;
    }

    public static void PrintTable(Dictionary<string, MethodResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("method         D_P ours (paper)            D_L ours (paper)            precision ours (paper)   recall ours (paper)");
        foreach (var (name, r) in results)
        {
            var paper = PaperTable1.Of(name);
            Console.WriteLine($"{name,-14} {Cell(r.PosteriorError, paper.DP, "F3"),-27} {Cell(r.LikelihoodError, paper.DL, "F3"),-27} " +
                              $"{Cell(r.Precision, paper.Precision, "F2"),-24} {Cell(r.Recall, paper.Recall, "F2")}");
        }
        Console.WriteLine("(class 0 | class 1; precision/recall against the noisy reference set, as the toy code measures them)");
    }

    static string Cell(double[] ours, double[]? paper, string format) =>
        $"{ours[0].ToString(format)}|{ours[1].ToString(format)} ({(paper is null ? "-" : $"{paper[0].ToString(format)}|{paper[1].ToString(format)}")})";

    static JsonNode? Pair(double[]? values) => values is null ? null : Array(values);

    static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode)Math.Round(v, 6)).ToArray());
}
