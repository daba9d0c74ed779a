// Class-conditional generation of Fashion-MNIST as in the DLSM paper's image experiments (Chao et al., ICLR 2022, Table 2),
// on a CPU budget: a U-Net score model (DSM or LCSS), a cross-entropy classifier and a DLSM + CE classifier (ResNets), then
// the same number of samples per class for three methods — base (CE guidance), scaling (CE guidance scaled by alpha) and
// DLSM — evaluated with FID, IS, precision/recall/density/coverage, CAS and their class-wise versions on features of a
// separately trained domain classifier.
//
//   dotnet run -c Release --project examples/FashionMnist -- [--quick | --full] [--out DIR] [--data DIR] [--objective dsm|lcss]
//       [--score-steps N] [--classifier-steps N] [--feature-classifier-steps N] [--batch-size N] [--samples-per-class N]
//       [--sampler-steps N] [--sampler pc|ddim|heun|dpm2m|dpm3s|ode] [--sampler-evaluations N] [--sampler-eta X] [--sampler-churn X] [--test-images N] [--unet-channels N] [--unet-multipliers 1,2,2] [--unet-blocks N]
//       [--unet-attention 14,7] [--classifier-channels N] [--classifier-blocks 1,1,1] [--device cpu|cuda|cuda:N] [--seed N]
//       [--save dlsm.zip] [--resume] [--samplers]
// --full is the papers' network sizes and run lengths, for a GPU (docs/images.md). --save writes the DLSM sampler as an ML.NET
// model zip (examples/ConsumeModel turns it into PNGs). Ctrl-C stops after the current training step with a checkpoint under
// DIR/checkpoints; --resume continues from there.
// Writes DIR/results.json, DIR/grid-real.png, DIR/grid-{base,scaling,dlsm}.png and DIR/trajectory-dlsm.png, and prints the table.
// --samplers runs issue 18's sampler study instead (SamplerStudy.cs): DLSM-guided images from every sampler at 10-100 network
// evaluations and from the PC sampler at 1,000 steps, FID/KID/CAS with intervals and wall time, to DIR/samplers.json and
// DIR/samplers.png (with --resume it reuses the networks a finished run under DIR trained).
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
Console.WriteLine(settings.SamplerStudy
    ? $"Sampler study: every sampler at {string.Join(", ", SamplerStudy.Budgets)} network evaluations, PC at {SamplerRun.PredictorCorrectorSteps} steps, the adaptive ODE at tolerance {SamplerStudy.OdeTolerance:G}, {settings.SamplesPerClass} DLSM-guided images per class each."
    : settings.Device is null or "cpu"
    ? $"Estimated run time on a 2-core CPU: about {settings.Estimate().TotalMinutes:F0} min."
    : $"Running on {settings.Device}.");

var trainView = train.ToDataView(ml);
var timings = new Dictionary<string, double>();
T Timed<T>(string phase, Func<T> work)
{
    var clock = Stopwatch.StartNew();
    var result = work();
    timings[phase] = Math.Round(clock.Elapsed.TotalSeconds, 1);
    Console.WriteLine($"  {phase}: {clock.Elapsed.TotalSeconds:F0} s (total {wall.Elapsed.TotalMinutes:F1} min)");
    return result;
}

PngImages.SaveGrid(ImageGrid.ByClass(test.Pixels, test.Labels, test.Shape.Size, 10), test.Shape, PixelScaling.ZeroToOne, Path.Combine(outDir, "grid-real.png"));

// 1. The score model (the prior score of every method).
var checkpoints = new ExampleCheckpoints(outDir, commandLine.Has("--resume"));
var scoreOptions = new ScoreModelOptions
{
    Objective = settings.ScoreObjective,
    UNet = settings.UNet,
    Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = 0.01 },   // SigmaMax from the data
    Steps = settings.ScoreSteps,
    BatchSize = settings.BatchSize,
    LearningRate = 5e-4,
    EmaDecay = Math.Clamp(1 - 10.0 / settings.ScoreSteps, 0, 0.999),   // an average over about a tenth of the run
    Seed = settings.Seed,
    Device = settings.Device,
    Progress = new ConsoleProgressBar("score"),
};
checkpoints.Apply(scoreOptions, "score");
var scoreModel = Timed("score model", () => ml.ScoreMatching().Trainers.ScoreModel(scoreOptions).Fit(trainView));

// 2. The guidance classifiers: cross-entropy (base and scaling) and DLSM + lambda CE (dlsm), on the frozen score model.
NoiseConditionalClassifierTransformer Classifier(string label, ClassifierLoss loss)
{
    var options = new DlsmClassifierOptions
    {
        Loss = loss,
        Lambda = settings.Lambda,
        ResNet = settings.ClassifierNetwork,
        Steps = settings.ClassifierSteps,
        BatchSize = settings.BatchSize,
        Seed = settings.Seed,
        Device = settings.Device,
        Progress = new ConsoleProgressBar(label),
    };
    checkpoints.Apply(options, label);
    return Timed($"{label} classifier", () => ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel.Model, options).Fit(trainView));
}
using var crossEntropy = settings.SamplerStudy ? null : Classifier("CE", ClassifierLoss.CrossEntropy);
using var dlsm = Classifier("DLSM+CE", ClassifierLoss.DlsmPlusCrossEntropy);

NoiseConditionalClassifier TrainFeatureClassifier() => Timed("feature classifier", () => FeatureClassifier.Train(train, settings.FeatureClassifierSteps,
    settings.BatchSize, settings.Seed + 100, settings.Device,
    new Progress<(int Step, float Loss)>(p => { if (p.Step % 100 == 0) Console.WriteLine($"  feature classifier: step {p.Step}, loss {p.Loss:F3}"); })));

if (settings.SamplerStudy)
{
    var judge = new ClassifierFeatureExtractor(TrainFeatureClassifier(), FeatureClassifier.Sigma);
    var study = new SamplerStudy(ml, settings, judge, test);
    var runs = Timed("sampler study", () => study.Measure(scoreModel.Model, dlsm.Classifier, Path.Combine(outDir, "sampler-grids")));
    SamplerStudyReport.Write(Path.Combine(outDir, "samplers.json"), settings, runs, judge.Identity, timings, wall.Elapsed);
    SamplerStudyPlots.Save(Path.Combine(outDir, "samplers.png"), runs, SamplerStudy.Metrics, SamplerStudy.LowerIsBetter);
    SamplerStudyReport.Print(runs);
    Console.WriteLine($"Wrote {Path.Combine(outDir, "samplers.json")}, samplers.png and sampler-grids/ ({wall.Elapsed.TotalMinutes:F1} min).");
    return 0;
}

// 3. The same number of samples per class from each method, with the sampler --sampler names (by default DDIM with eta = 1 at 20
// network evaluations, the best fast sampler that fits the hour in the sampler study: README.md).
var sampler = settings.Sampler;
var methods = new (string Name, ConditionalSamplingTransformer Sampler)[]
{
    ("base", crossEntropy!.CreateSampler(new ConditionalSamplerOptions { Sampler = sampler })),
    ("scaling", crossEntropy.CreateSampler(new ConditionalSamplerOptions { Sampler = sampler, GuidanceScale = settings.ScalingAlpha })),
    ("dlsm", dlsm.CreateSampler(new ConditionalSamplerOptions { Sampler = sampler })),
};
var generated = new Dictionary<string, IDataView>();
foreach (var (name, conditional) in methods)
{
    var view = Timed($"sampling {name}", () => conditional.GenerateForEachClass(ml, settings.SamplesPerClass));   // sampled now, held in memory
    generated[name] = view;
    var rows = view.GetColumn<float[]>("Generated").ToArray();
    var labels = view.GetColumn<uint>("Label").Select(k => (int)k - 1).ToArray();
    PngImages.SaveGrid(ImageGrid.ByClass(rows.SelectMany(r => r).ToArray(), labels, train.Shape.Size, 10), train.Shape, PixelScaling.ZeroToOne,
        Path.Combine(outDir, $"grid-{name}.png"));
}

// The denoising trajectory of one DLSM sample per class, 8 snapshots from noise to image, as a strip (one row per class). Every
// step's state is kept (10 images a step) and 8 evenly spaced ones are picked at the end, since a sampler's step count
// depends on its kind and budget.
var states = new List<float[]>();
var observed = sampler.Clone();
observed.BatchSize = 10;
observed.StepObserver = (step, x) => states.Add(x.cpu().to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray());
Timed("trajectory", () =>
{
    using var traced = dlsm.CreateSampler(new ConditionalSamplerOptions { Sampler = observed });
    return traced.GenerateForEachClass(ml, 1);
});
var trajectory = Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, 8)
    .Select(k => states[k * (states.Count - 1) / 7].AsSpan(c * train.Shape.Size, train.Shape.Size).ToArray()).ToList()).ToList();
PngImages.SaveGrid(trajectory, train.Shape, PixelScaling.ZeroToOne, Path.Combine(outDir, "trajectory-dlsm.png"));

if (savePath is not null)
{
    ml.ScoreMatching().Model.Save(methods.Single(m => m.Name == "dlsm").Sampler, trainView.Schema, savePath);
    Console.WriteLine($"  saved the DLSM sampler to {Path.GetFullPath(savePath)}");
}

// 4. Evaluation on domain features of a separately trained classifier.
var featureNetwork = TrainFeatureClassifier();
var options = new GenerativeEvaluationOptions
{
    RealColumnName = "Features", GeneratedColumnName = "Generated", LabelColumnName = "Label",
    FeatureExtractor = new ClassifierFeatureExtractor(featureNetwork, FeatureClassifier.Sigma), K = RunSettings.MetricsK,
};
var testView = test.ToDataView(ml);
options.RealReference = ml.ScoreMatching().ComputeRealReference(testView, options);
var results = new Dictionary<string, GenerativeMetrics>();
foreach (var (name, _) in methods)
    results[name] = Timed($"evaluating {name}", () => ml.ScoreMatching().Evaluate(testView, generated[name], options));

// 5. Report.
Console.WriteLine();
Console.WriteLine(ResultsTable.Format(results));
var json = new Dictionary<string, object>
{
    ["settings"] = settings,
    ["wall_time_s"] = Math.Round(wall.Elapsed.TotalSeconds, 1),
    ["machine"] = MachineDescription.Describe(),   // times mean little without the CPU they were taken on
    ["phase_times_s"] = timings,
    ["feature_extractor"] = options.FeatureExtractor.Identity,
    ["methods"] = results.ToDictionary(p => p.Key, p => ResultsTable.Summary(p.Value)),
};
string path = Path.Combine(outDir, "results.json");
File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
File.Move(path + ".tmp", path, overwrite: true);
Console.WriteLine($"Wrote {path} and the image grids ({wall.Elapsed.TotalMinutes:F1} min).");
foreach (var (_, conditional) in methods) conditional.Dispose();   // each sampler holds its own share of the networks
return 0;
