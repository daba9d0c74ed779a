// Trains DSM, LCSS, SSM and FD-SSM score models on the checkerboard, samples from each, and writes one picture
// per method and results.json (training ms per step, final loss, share of samples on the board, MMD to held-out
// data): the shape of Table 2 of the LCSS paper, on a CPU.
//
//   dotnet run -c Release --project examples/Checkerboard -- [--quick] [--out DIR] [--seed N] [--steps N] [--ema DECAY|0] [--resume]
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Checkerboard;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
using ScoreML.Examples;
using ScoreML.Data;
using ScoreML.Runtime;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;

// tcmalloc where installed (libtcmalloc-minimal4): image steps page-fault far less than under glibc (docs/benchmarks.md).
ScoreML.Runtime.NativeAllocator.PreferTcmalloc();
var commandLine = new CommandLine(args);
bool quick = commandLine.Has("--quick");
string outDir = OutputLocations.RequireWritableFolder(commandLine.Value("--out") ?? "out/checkerboard", "--out");
int seed = commandLine.Int("--seed", 1);
var settings = quick ? ExampleSettings.Quick : ExampleSettings.Full;
if (commandLine.Value("--steps") is not null) settings = settings with { TrainingSteps = commandLine.Int("--steps", 0) };
double? emaDecay = commandLine.Value("--ema") is not null ? commandLine.Double("--ema", 0) : settings.EmaDecay;
if (emaDecay == 0) emaDecay = null;

var checkpoints = new ExampleCheckpoints(outDir, commandLine.Has("--resume"));
var ml = new MLContext(seed);
var train = ml.ScoreMatching().Data.Checkerboard(settings.TrainRows, seed);
var heldOut = ToyDataSets.Checkerboard(settings.HeldOutRows, seed + 1000);
var requests = ml.ScoreMatching().Data.Requests(settings.Samples);
Console.WriteLine($"Checkerboard: {settings.TrainRows} training rows, {settings.TrainingSteps} steps per method, " +
                  $"{settings.Samples} samples each ({(quick ? "quick" : "full")} run) -> {outDir}");

var methods = new (string Key, Objective Objective)[]
{
    ("dsm", Objective.Dsm), ("lcss", Objective.Lcss), ("ssm", Objective.Ssm), ("fdssm", Objective.FdSsm),
};
var results = new JsonObject();
foreach (var (key, objective) in methods)
{
    var options = new ScoreModelOptions
    {
        Objective = objective,
        Steps = settings.TrainingSteps,
        BatchSize = settings.BatchSize,
        LearningRate = settings.LearningRate,
        EmaDecay = emaDecay,
        Seed = seed,
        Mlp = new MlpOptions { HiddenSizes = settings.HiddenSizes },
        Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = 0.01 },   // SigmaMax from the data
        Sampler = new SamplerOptions { Steps = settings.SamplerSteps, Snr = 0.16, BatchSize = settings.Samples, Seed = seed },
        Progress = new ConsoleProgressBar(key),
    };
    checkpoints.Apply(options, key);
    using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(train);
    var generated = model.Transform(requests);
    float[] samples = generated.GetColumn<VBuffer<float>>("Generated").SelectMany(v => v.DenseValues()).ToArray();

    int onBoard = Enumerable.Range(0, samples.Length / 2).Count(i => ToyDataSets.IsOnCheckerboard(samples[2 * i], samples[2 * i + 1]));
    double share = (double)onBoard / (samples.Length / 2);
    double mmd = MaximumMeanDiscrepancy.Squared(heldOut.Features, samples, 2);
    var summary = model.Model.Training!;
    results[key] = new JsonObject
    {
        ["ms_per_step"] = Math.Round(summary.MedianStepMilliseconds(), 4),
        ["final_loss"] = Math.Round(summary.FinalLoss(), 6),
        ["on_board_share"] = Math.Round(share, 4),
        ["mmd"] = Math.Round(mmd, 6),
        ["steps"] = settings.TrainingSteps,
        ["samples"] = samples.Length / 2,
    };
    CheckerboardPlot.Save(Path.Combine(outDir, $"{key}.png"), $"{key.ToUpperInvariant()}: {share:P1} on the board, MMD² {mmd:F4}", samples);
    Console.WriteLine($"  {key,-6} {summary.MedianStepMilliseconds(),8:F3} ms/step  final loss {summary.FinalLoss(),10:G5}  on board {share,7:P1}  MMD² {mmd:F5}");
}

// What perfect samples would score: a second independent draw from the data distribution.
var fresh = ToyDataSets.Checkerboard(settings.Samples, seed + 2000);
var document = new JsonObject
{
    ["data_set"] = "checkerboard",
    ["quick"] = quick,
    ["seed"] = seed,
    ["train_rows"] = settings.TrainRows,
    ["sampler"] = $"predictor-corrector (reverse diffusion + Langevin, snr 0.16), {settings.SamplerSteps} steps, VE SDE",
    ["mmd_kernel"] = "Gaussian, bandwidth = median pairwise distance of the held-out set; unbiased MMD^2",
    ["reference"] = new JsonObject
    {
        ["on_board_share"] = 1.0,
        ["mmd"] = Math.Round(MaximumMeanDiscrepancy.Squared(heldOut.Features, fresh.Features, 2), 6),
    },
    ["methods"] = results,
};
string resultsPath = Path.Combine(outDir, "results.json");
File.WriteAllText(resultsPath + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
File.Move(resultsPath + ".tmp", resultsPath, overwrite: true);
Console.WriteLine($"Wrote {resultsPath} and {methods.Length} pictures.");
return 0;
