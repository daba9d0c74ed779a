// The two-moons study of Chao et al., "Denoising Likelihood Score Matching for Conditional Score-based Data Generation"
// (ICLR 2022), Section 3 and Table 1, with the settings of the authors' toy code: a score model, three noise-conditional
// classifiers (cross-entropy, DLSM, DLSM + cross-entropy), two per-class score models and a class-conditional score model
// (classifier-free guidance at w = 0, 1, 3), then the score errors D_P and D_L at sigma = 7.5 and precision/recall of 10,000
// class-conditional samples per class for eight methods, and what CFG costs beside DLSM to train and to sample.
//
//   dotnet run -c Release --project examples/TwoMoons -- [--quick] [--out DIR] [--seed N] [--steps N] [--save model.zip] [--resume] [--seeds N]
// --steps sets the training steps of every network (score models and classifiers) to N. --save writes the DLSM sampler as an
// ML.NET model zip for examples/ConsumeModel. Ctrl-C stops after the current training step with a checkpoint under
// DIR/checkpoints; --resume continues from there.
// --seeds N (at least 2) trains every network N times (seeds --seed .. --seed + N - 1, each under DIR/seed-N) and measures
// D_P and D_L of every method only, nothing sampled: means with Student's t intervals across seeds and each method against
// DLSM paired by seed, in DIR/score-errors.json (ScoreErrorSeeds.cs).
// --samplers runs issue 18's other study instead: quality against network evaluations of the fast samplers and PC, with the
// library's default networks (SamplerStudy.cs); it honours --quick, --out, --seed and --threads N (libtorch's threads; on a
// machine shared with other work, 1 thread avoids libtorch's threads waiting on each other).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using ScoreML;
using ScoreML.Examples;
using ScoreML.Data;
using ScoreML.Runtime;
using ScoreML.Transforms.Persistence;
using TwoMoons;

// tcmalloc where installed (libtcmalloc-minimal4): image steps page-fault far less than under glibc (docs/benchmarks.md).
ScoreML.Runtime.NativeAllocator.PreferTcmalloc();
var wall = Stopwatch.StartNew();
var commandLine = new CommandLine(args);
bool quick = commandLine.Has("--quick");
string outDir = OutputLocations.RequireWritableFolder(commandLine.Value("--out") ?? "out/two-moons", "--out");
int seed = commandLine.Int("--seed", 1);
if (commandLine.Has("--samplers")) return SamplerStudy.Run(outDir, quick, seed, commandLine.Value("--threads") is null ? null : commandLine.Int("--threads", 0));
string? savePath = commandLine.Value("--save") is string save ? OutputLocations.RequireWritableFile(save, "--save") : null;
var settings = quick ? StudySettings.Quick : StudySettings.Full;
if (commandLine.Value("--steps") is string steps)
{
    int n = commandLine.Int("--steps", 0);
    settings = settings with { ScoreSteps = n, ClassifierSteps = n, MonitorInterval = Math.Max(1, n / 20) };
}
if (commandLine.Value("--seeds") is not null)
{
    // The score errors across seeds (ScoreErrorSeeds.cs): every network trained per seed, D_P and D_L with intervals, no sampling.
    int seeds = commandLine.Int("--seeds", 1);
    if (seeds < 2) throw new ArgumentException($"--seeds must be at least 2 (intervals across seeds need two); it is {seeds}.");
    if (savePath is not null) throw new ArgumentException("--seeds measures the score errors only; leave out --save.");
    ScoreErrorSeeds.Run(outDir, settings, seed, seeds, commandLine.Has("--resume"));
    Console.WriteLine($"Done in {Study.Describe(wall.Elapsed.TotalSeconds)}.");
    return 0;
}

var ml = new MLContext(seed);
var moons = ToyDataSets.TwoMoons(settings.Rows, noise: 0, seed: seed, center: true, scale: 20);
var study = new Study(ml, moons, settings, seed, new ExampleCheckpoints(outDir, commandLine.Has("--resume")));
Console.WriteLine($"Two moons (DLSM Table 1): {settings.Rows} points, {settings.ScoreSteps} score steps and {settings.ClassifierSteps} classifier " +
                  $"steps at batch {settings.BatchSize}, {settings.SamplesPerClass} samples per class ({(quick ? "quick" : "full")} run) -> {outDir}");
Console.WriteLine($"Estimated run time on this machine: {Study.Describe(study.EstimateSeconds())}.");

var trained = study.Train();
var results = study.Evaluate(trained);
var costs = study.MeasureCosts(trained);
StudyReport.Write(outDir, quick, seed, settings, results, trained.Curves, costs, wall.Elapsed);
StudyPlots.SaveFieldsAndSamples(Path.Combine(outDir, "two_moons.png"), results, trained);
StudyPlots.SaveAblation(Path.Combine(outDir, "ablation.png"), trained.Curves);
StudyReport.PrintTable(results);
if (savePath is not null)
{
    // The DLSM sampler as an ML.NET model zip (both networks inside): examples/ConsumeModel loads it in another process.
    using var dlsmSampler = trained.Dlsm.CreateSampler(study.Sampling(1));
    ml.ScoreMatching().Model.Save(dlsmSampler, moons.ToDataView(ml).Schema, savePath);
    Console.WriteLine($"Saved the DLSM class-conditional sampler to {Path.GetFullPath(savePath)}.");
}
Console.WriteLine($"Wrote {Path.Combine(outDir, "results.json")}, two_moons.png and ablation.png in {Study.Describe(wall.Elapsed.TotalSeconds)}.");
trained.Dispose();
return 0;
