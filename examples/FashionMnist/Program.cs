// Class-conditional generation of Fashion-MNIST as in the DLSM paper's image experiments (Chao et al., ICLR 2022, Table 2),
// on a CPU budget: a U-Net score model (DSM or LCSS), guidance classifiers (ResNets) trained with cross-entropy, DLSM and
// DLSM + CE, then the same number of samples per class for each method — base (CE guidance), scaling (CE guidance times
// alpha = 2, 5, 10), DLSM, DLSM + CE, and classifier-free guidance of a class-conditional U-Net at w = 0, 1, 3 — judged by
// ML.NET's pretrained ResNet-18 and by a separately trained domain
// classifier (FID, KID, IS, precision/recall/density/coverage, their class-wise versions) and by CAS, each with its 95 %
// interval, beside the real floor (as many real training images against the same test images). --seeds N repeats the whole
// study, training included, and reports means with intervals across seeds and each method's difference from base.
//
//   dotnet run -c Release --project examples/FashionMnist -- [--quick | --full] [--out DIR] [--data DIR] [--objective dsm|lcss]
//       [--score-steps N] [--classifier-steps N] [--feature-classifier-steps N] [--batch-size N] [--samples-per-class N]
//       [--sampler-steps N] [--sampler pc|ddim|heun|dpm2m|dpm3s|ode] [--sampler-evaluations N] [--sampler-eta X] [--sampler-churn X] [--test-images N] [--unet-channels N] [--unet-multipliers 1,2,2] [--unet-blocks N]
//       [--unet-attention 14,7] [--classifier-channels N] [--classifier-blocks 1,1,1] [--device cpu|cuda|cuda:N] [--seed N] [--seeds N]
//       [--methods base,scaling-2,scaling-5,scaling-10,dlsm,dlsm+ce,cfg-0,cfg-1,cfg-3] [--save dlsm.zip] [--resume] [--samplers] [--costs]
// --full is the papers' network sizes and run lengths, for a GPU (docs/images.md). --save writes the DLSM + CE sampler as an
// ML.NET model zip (examples/ConsumeModel turns it into PNGs). Ctrl-C stops after the current training step with a
// checkpoint under DIR/seed-N/checkpoints; --resume continues from there and reads back every seed already finished, adding
// to it any chosen method it lacks.
// Writes DIR/results.json, DIR/grid-real.png, DIR/seed-N/results.json, DIR/seed-N/grid-METHOD.png and (first seed)
// DIR/seed-N/trajectory-dlsm+ce.png, and prints the table.
// --samplers runs issue 18's sampler study instead (SamplerStudy.cs): DLSM-guided images from every sampler at 10-100 network
// evaluations and from the PC sampler at 1,000 steps, FID/KID/CAS with intervals and wall time, to DIR/samplers.json and
// DIR/samplers.png (with --resume it reuses the networks a finished run under DIR trained).
// --costs times, round-robin, each network's training step and each method's sampler step at the run's sizes (CostStudy.cs)
// and writes DIR/costs.json: CFG's training and sampling cost beside DLSM's, and the budgets at matched sampling cost.
using System.Diagnostics;
using System.Text.Json;
using FashionMnist;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
using ScoreML.Benchmarks;
using ScoreML.Examples;
using ScoreML.Runtime;
using ScoreML.Evaluation.Metrics;
using ScoreML.Images;
using ScoreML.Images.Readers;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;

// tcmalloc where installed (libtcmalloc-minimal4): image steps page-fault far less than under glibc (docs/benchmarks.md).
ScoreML.Runtime.NativeAllocator.PreferTcmalloc();
var wall = Stopwatch.StartNew();
var commandLine = new CommandLine(args);
RunSettings settings;
try
{
    settings = RunSettings.FromCommandLine(commandLine);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var ml = new MLContext(settings.Seed);
try
{
    _ = ScoreML.DeviceSelection.Choose(ml, settings.Device);   // an unavailable --device fails now, not after an hour
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"--device {settings.Device}: {e.Message}");
    return 2;
}
// Output paths are checked now, not when the first file is written after an hour of training.
string outDir = OutputLocations.RequireWritableFolder(commandLine.Value("--out") ?? "out/fashion-mnist", "--out");
string? savePath = commandLine.Value("--save") is string save ? OutputLocations.RequireWritableFile(save, "--save") : null;

LabelledImages train, test;
try
{
    train = IdxImages.FashionMnist(train: true, commandLine.Value("--data"));
    test = IdxImages.FashionMnist(train: false, commandLine.Value("--data")).Take(settings.RealTestImages);
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training images {train.Shape}, {test.Count:N0} test images for evaluation -> {outDir}");
Console.WriteLine($"{settings.ScoreObjective} U-Net ({settings.UNetChannels} channels, {string.Join('-', settings.UNetMultipliers)}) {settings.ScoreSteps} steps, classifiers {settings.ClassifierSteps} steps" +
                  (settings.SamplerStudy ? "." : $", {settings.SamplesPerClass} samples per class and method, {settings.SamplerDescription}."));
Console.WriteLine(settings.CostStudy
    ? $"Cost study: training and sampler steps of {string.Join(", ", CostStudy.SamplingMethods)}, round-robin (a few minutes)."
    : settings.SamplerStudy
    ? $"Sampler study: every sampler at {string.Join(", ", SamplerStudy.Budgets)} network evaluations, PC at {SamplerRun.PredictorCorrectorSteps} steps, the adaptive ODE at tolerance {SamplerStudy.OdeTolerance:G}, {settings.SamplesPerClass} DLSM-guided images per class each."
    : settings.Device is null or "cpu"
    ? $"Estimated run time on a 2-core CPU: about {settings.Estimate().TotalMinutes:F0} min."
    : $"Running on {settings.Device}.");

PngImages.SaveGrid(ImageGrid.ByClass(test.Pixels, test.Labels, test.Shape.Size, 10), test.Shape, PixelScaling.ZeroToOne, Path.Combine(outDir, "grid-real.png"));
bool resume = commandLine.Has("--resume");

if (settings.SamplerStudy)
{
    // Issue 18's study: the score model, the DLSM + CE classifier and the domain judge, checkpointed under DIR.
    var run = new SeedRun(settings, train, test, outDir, resume, wall);
    var trainView = train.ToDataView(ml);
    using var scoreModel = run.TrainScoreModel(trainView);
    using var dlsm = run.TrainClassifier(scoreModel.Model, ClassifierLoss.DlsmPlusCrossEntropy, trainView);
    var judge = run.TrainDomainJudge();
    var study = new SamplerStudy(ml, settings, judge, test);
    var clock = Stopwatch.StartNew();
    var runs = study.Measure(scoreModel.Model, dlsm.Classifier, Path.Combine(outDir, "sampler-grids"));
    var timings = run.Timings.ToDictionary(p => p.Key, p => p.Value);
    timings["sampler study"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
    SamplerStudyReport.Write(Path.Combine(outDir, "samplers.json"), settings, runs, judge.Identity, timings, wall.Elapsed);
    SamplerStudyPlots.Save(Path.Combine(outDir, "samplers.png"), runs, SamplerStudy.Metrics, SamplerStudy.LowerIsBetter);
    SamplerStudyReport.Print(runs);
    Console.WriteLine($"Wrote {Path.Combine(outDir, "samplers.json")}, samplers.png and sampler-grids/ ({wall.Elapsed.TotalMinutes:F1} min).");
    return 0;
}

if (settings.CostStudy)
{
    // What CFG costs beside DLSM at these sizes, round-robin in this process (CostStudy.cs); nothing is judged.
    var costs = new CostStudy(settings, train);
    var (training, sampling) = costs.Measure();
    string costsPath = Path.Combine(outDir, "costs.json");
    costs.Write(costsPath, training, sampling, wall.Elapsed);
    Console.WriteLine($"Wrote {costsPath} ({wall.Elapsed.TotalMinutes:F1} min).");
    return 0;
}

// The pretrained judge and its statistics of the test images, shared by every seed.
using var pretrained = ResNet18Features.Create(test.Shape);
var testView = test.ToDataView(ml);
var referenceClock = Stopwatch.StartNew();
var pretrainedReference = ml.ScoreMatching().ComputeRealReference(testView, new GenerativeEvaluationOptions { FeatureExtractor = pretrained, K = RunSettings.MetricsK });
Console.WriteLine($"  ResNet-18 reference of the {test.Count:N0} test images: {referenceClock.Elapsed.TotalSeconds:F0} s");

// Each seed is the whole study, training included, in DIR/seed-N; a finished seed is read back with --resume.
var seeds = new List<SeedResult>();
for (int s = 0; s < settings.Seeds; s++)
{
    var seedSettings = settings with { Seed = settings.Seed + s };
    string folder = Path.Combine(outDir, $"seed-{seedSettings.Seed}");
    Directory.CreateDirectory(folder);
    string seedPath = Path.Combine(folder, "results.json");
    if (resume && File.Exists(seedPath))
    {
        var finished = SeedResult.Load(seedPath);
        Console.WriteLine($"Seed {seedSettings.Seed}: read back from {seedPath}.");
        // A seed finished before some of the methods existed (classifier-free guidance, say) gets just those added.
        var missing = settings.Methods.Where(m => !finished.Methods.ContainsKey(m.Name)).ToArray();
        if (missing.Length > 0)
        {
            Console.WriteLine($"Seed {seedSettings.Seed}: adding {string.Join(", ", missing.Select(m => m.Name))}.");
            new SeedRun(seedSettings, train, test, folder, resume, wall).AddMethods(finished, missing, pretrained, pretrainedReference);
            finished.Save(seedPath);
        }
        seeds.Add(finished);
        continue;
    }
    Console.WriteLine($"Seed {seedSettings.Seed} ({s + 1} of {settings.Seeds}):");
    var result = new SeedRun(seedSettings, train, test, folder, resume, wall).Run(pretrained, pretrainedReference, showcase: s == 0, savePath);
    result.Save(seedPath);
    seeds.Add(result);
}

// The report: each method with its interval, its difference from base and the real floor.
var report = new StudyReport(seeds, settings.Methods);
Console.WriteLine();
Console.WriteLine(report.Format());
var json = new Dictionary<string, object?>
{
    ["settings"] = settings,
    ["wall_time_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1),
    ["machine"] = MachineDescription.Describe(),   // times mean little without the CPU they were taken on
    ["seed_wall_times_s"] = seeds.ToDictionary(r => r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.WallTimeS),
    // Seeds read back by --resume may have run elsewhere: each seed's own CPU, where its results recorded one.
    ["seed_machines"] = seeds.ToDictionary(r => r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.Machine),
};
foreach (var (key, value) in report.ToJson()) json[key] = value;
string path = Path.Combine(outDir, "results.json");
File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
File.Move(path + ".tmp", path, overwrite: true);
Console.WriteLine($"Wrote {path}, seed-N/results.json and the image grids ({wall.Elapsed.TotalMinutes:F1} min).");
return 0;
