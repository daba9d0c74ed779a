// Trains a small score model from the packages, samples from it and measures the samples: the whole path a user of the
// packages takes (TorchSharp's native library loading included), in about a minute on 2 cores.
using Microsoft.ML;
using ScoreML;

var ml = new MLContext(seed: 1);
IDataView points = ml.ScoreMatching().Data.Checkerboard(2_000);
var estimator = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
{
    Objective = Objective.Dsm,
    Steps = 200,
    BatchSize = 128,
    Sampler = new SamplerOptions { Kind = SamplerKind.PredictorCorrector, Steps = 50, Seed = 7 },
});
using var model = estimator.Fit(points);
IDataView generated = model.Transform(ml.ScoreMatching().Data.Requests(500));
var metrics = ml.ScoreMatching().Evaluate(ml.ScoreMatching().Data.Checkerboard(500), generated);
if (metrics.Fid is not double fid || !double.IsFinite(fid))
    throw new InvalidOperationException($"FID of the packaged pipeline is {metrics.Fid}, not a finite number.");
Console.WriteLine($"package check: FID {fid:F3} of 500 samples after 200 DSM steps; ScoreML.Images {typeof(ImageDataCatalogExtensions).Assembly.GetName().Version}");

// With a folder argument, the model saved as model.zip for .ci/package-check to run the ConsumeModel example on, and two tiny
// PNG folders to run the packed scoreml tool on (a: darker, b: lighter).
if (args.Length > 0)
{
    Directory.CreateDirectory(args[0]);
    ml.ScoreMatching().Model.Save(model, points.Schema, Path.Combine(args[0], "model.zip"));
    var shape = new ImageShape(3, 16, 16);
    var random = new Random(3);
    foreach (var (name, brightness) in new[] { ("a", 0.35), ("b", 0.6) })
    {
        string folder = Path.Combine(args[0], name);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 8; i++)
            PngImages.Save(Enumerable.Range(0, shape.Size).Select(_ => (float)(brightness + 0.3 * (random.NextDouble() - 0.5))).ToArray(), shape,
                PixelScaling.ZeroToOne, Path.Combine(folder, $"{i}.png"));
    }
    Console.WriteLine($"package check: wrote model.zip and two folders of 8 PNG images to {args[0]}");
}
