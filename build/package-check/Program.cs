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
