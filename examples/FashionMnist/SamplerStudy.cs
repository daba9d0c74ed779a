using System.Diagnostics;
using Microsoft.ML;
using ScoreML;
using ScoreML.Data;
using ScoreML.Examples;
using ScoreML.Images;

namespace FashionMnist;

/// <summary>
/// Issue 18's quality-against-NFE study on Fashion-MNIST (--samplers): the run's score model and DLSM + CE classifier, then
/// the same DLSM-guided images per class from every fast sampler at 10, 20, 50 and 100 network evaluations, the PC sampler at
/// 1,000 steps (predictor and Langevin corrector, the library's default) and the adaptive ODE at a sampling tolerance
/// (<see cref="OdeTolerance"/>), each measured by FID, KID and CAS against the test images, with 95 % intervals, and by wall
/// time per 1,000 images.
/// </summary>
/// <remarks>
/// FID and KID use the features of the run's domain classifier (the evaluation's own judge; issue 19 brings a pretrained one).
/// Their intervals come from resampling the generated rows (<see cref="Resamples"/> times, the same resamples for every
/// sampler) and are moved by the estimate minus the replicates' mean, since a resample's duplicate rows bias both metrics
/// (<see cref="Estimate.FromReplicates"/>). CAS's interval is Wilson's for its accuracy on the test images; it leaves out the
/// variation of the generated set, which would need a classifier trained per resample.
/// </remarks>
internal sealed class SamplerStudy
{
    /// <summary>The evaluation budgets of the fixed-step samplers, network evaluations per image.</summary>
    public static readonly int[] Budgets = { 10, 20, 50, 100 };

    /// <summary>The largest budget at which a fast sampler is compared with the PC sampler (the goal).</summary>
    public const int FastBudget = 50;

    /// <summary>Resamples of the generated rows for FID's and KID's intervals.</summary>
    public const int Resamples = 200;

    /// <summary>KID subsets per resample (the point estimate uses the evaluator's default, 100): the resamples already vary.</summary>
    const int SubsetsPerResample = 10;

    /// <summary>
    /// The adaptive ODE's relative and absolute tolerance here. At the library's default (1e-5, score_sde's, which the
    /// likelihood needs) the guided ODE ran over 12 minutes on 500 images in the first run on the Intel Xeon (family 6 model
    /// 207) and was stopped, more than six times the 100-NFE runs; 1e-3 is a sampling tolerance (k-diffusion's adaptive
    /// DPM-Solver uses looser ones still: rtol 0.05, atol 0.0078).
    /// </summary>
    public const double OdeTolerance = 1e-3;

    /// <summary>Images per sampler batch, as the example's methods sample.</summary>
    public const int SamplerBatch = 250;

    public static readonly string[] Metrics = { "fid", "kid", "cas" };
    public static readonly HashSet<string> LowerIsBetter = new() { "fid", "kid" };

    readonly MLContext ml;
    readonly RunSettings settings;
    readonly IFeatureExtractor extractor;
    readonly LabelledImages test;

    public SamplerStudy(MLContext ml, RunSettings settings, IFeatureExtractor extractor, LabelledImages test)
    {
        this.ml = ml;
        this.settings = settings;
        this.extractor = extractor;
        this.test = test;
    }

    /// <summary>Samples and measures every run; writes a grid of each run's images to <paramref name="gridFolder"/>.</summary>
    public List<SamplerRun> Measure(ScoreModel scoreModel, NoiseConditionalClassifier dlsm, string gridFolder)
    {
        var shape = test.Shape;
        var realFeatures = extractor.Extract(new FeatureMatrix(test.Pixels, shape.Size, "real")).Features;
        var realStatistics = GaussianStatistics.Compute(realFeatures);
        var realPixels = new LabelledFeatures(new FeatureMatrix(test.Pixels, shape.Size, "real test"), test.Labels, test.ClassNames.Count);

        // The DLSM-guided score of dlsm.CreateSampler(), wrapped to count the rows it evaluates: each sampler's actual network
        // evaluations per image, the adaptive ODE's included.
        long evaluatedRows = 0;
        var guided = ClassifierGuidance.Create(scoreModel, dlsm, 1);
        ConditionalScoreFunction counted = (x, t, labels) =>
        {
            evaluatedRows += x.shape[0];
            return guided(x, t, labels);
        };
        var keys = new LabelKeys(test.ClassNames.Count, test.ClassNames.ToArray());
        ConditionalSamplingTransformer Sampler(SamplerOptions options) =>
            new(counted, scoreModel.Sde, shape.Size, keys, scoreModel.Device, new ConditionalSamplerOptions { Sampler = options });

        int perClass = settings.SamplesPerClass, classCount = keys.Count;
        int[] classes = Enumerable.Range(0, classCount).SelectMany(c => Enumerable.Repeat(c, perClass)).ToArray();
        using (var warmUp = Sampler(new SamplerOptions { Kind = SamplerKind.Ddim, Evaluations = 2, BatchSize = SamplerBatch }))
            warmUp.Generate(Enumerable.Range(0, classCount).ToArray());   // first-call costs stay out of the first timed run
        var resamples = Resample(classes.Length, settings.Seed + 3);
        Directory.CreateDirectory(gridFolder);

        var runs = SamplerRun.All(Budgets, withBatchMeanPredictorCorrector: false, OdeTolerance);
        foreach (var run in runs)
        {
            using var sampler = Sampler(run.Options(settings.Seed, SamplerBatch));
            evaluatedRows = 0;
            var clock = Stopwatch.StartNew();
            float[] images = sampler.Generate(classes);
            run.SecondsPerThousandRounds.Add(clock.Elapsed.TotalSeconds * 1000 / classes.Length);
            run.CountedEvaluations = evaluatedRows / (double)classes.Length;

            var features = extractor.Extract(new FeatureMatrix(images, shape.Size, "generated")).Features;
            run.Quality["fid"] = Estimate.FromReplicates(Fid(realStatistics, features),
                resamples.Select(rows => Fid(realStatistics, Rows(features, rows))).ToArray(), lowest: 0);
            run.Quality["kid"] = Estimate.FromReplicates(KernelInceptionDistance.Compute(realFeatures, features, seed: settings.Seed).Mean,
                resamples.Select((rows, b) => KernelInceptionDistance.Compute(realFeatures, Rows(features, rows), SubsetsPerResample, seed: settings.Seed + b).Mean).ToArray());
            double cas = ClassificationAccuracyScore.Compute(ml, new LabelledFeatures(new FeatureMatrix(images, shape.Size, "generated"), classes, classCount),
                realPixels, new CasOptions { Seed = settings.Seed }, shape);
            run.Quality["cas"] = Estimate.Wilson(cas, test.Count);
            PngImages.SaveGrid(ImageGrid.ByClass(images, classes, shape.Size, 10), shape, PixelScaling.ZeroToOne, Path.Combine(gridFolder, $"{run.Label.Replace('@', '-').Replace(' ', '-')}.png"));
            Console.WriteLine($"  {run.Label,-18} NFE {run.CountedEvaluations,7:F1}  {run.SecondsPerThousand,8:F1} s/1k  " +
                              string.Join("  ", Metrics.Select(m => $"{m} {run.Quality[m].Value:G4}")));
        }
        return runs;
    }

    static double Fid(GaussianStatistics real, FeatureMatrix generated) => FrechetDistance.Compute(real, GaussianStatistics.Compute(generated)).Value;

    /// <summary>Row indices drawn with replacement, one array per resample.</summary>
    static int[][] Resample(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Resamples).Select(_ => Enumerable.Range(0, rows).Select(_ => random.Next(rows)).ToArray()).ToArray();
    }

    static FeatureMatrix Rows(FeatureMatrix features, int[] rows)
    {
        int d = features.Dimension;
        var values = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++) Array.Copy(features.Values, (long)rows[i] * d, values, (long)i * d, d);
        return new FeatureMatrix(values, d, features.Name);
    }
}
