using System.Diagnostics;
using Microsoft.ML;
using ScoreML;
using ScoreML.Data;
using ScoreML.Examples;

namespace TwoMoons;

/// <summary>
/// Issue 18's quality-against-NFE study on the two moons (--samplers): a score model and a DLSM + CE classifier with the
/// library's default settings, then DLSM-guided samples of each class from every fast sampler at several evaluation budgets,
/// the adaptive ODE and the PC sampler at 1,000 steps, measured against the clean moons with bootstrap intervals.
/// </summary>
internal sealed class SamplerStudy
{
    readonly MLContext ml;
    readonly SamplerStudySettings settings;
    readonly int seed;

    public SamplerStudy(MLContext ml, SamplerStudySettings settings, int seed)
    {
        this.ml = ml;
        this.settings = settings;
        this.seed = seed;
    }

    /// <summary>Trains, samples, measures; writes samplers.json and samplers.png to <paramref name="outDir"/>.</summary>
    /// <param name="threads">libtorch's threads for training and sampling; null keeps its default (one per core).</param>
    public static int Run(string outDir, bool quick, int seed, int? threads)
    {
        var wall = Stopwatch.StartNew();
        if (threads is int count)
        {
            if (count < 1) throw new ArgumentException($"--threads must be at least 1, not {count}.");
            TorchSharp.torch.set_num_threads(count);
        }
        var settings = quick ? SamplerStudySettings.Quick : SamplerStudySettings.Full;
        var study = new SamplerStudy(new MLContext(seed), settings, seed);
        Console.WriteLine($"Two moons sampler study ({(quick ? "quick" : "full")}): {settings.Rows} points at scale {SamplerStudySettings.Scale}, " +
                          $"{settings.ScoreSteps} score and {settings.ClassifierSteps} classifier steps at batch {settings.BatchSize}, " +
                          $"{settings.SamplesPerClass} DLSM-guided samples per class, {settings.Resamples} bootstrap resamples, " +
                          $"{TorchSharp.torch.get_num_threads()} torch threads -> {outDir}");
        var (runs, scoreErrors) = study.Measure();
        SamplerStudyReport.Write(Path.Combine(outDir, "samplers.json"), quick, seed, settings, runs, scoreErrors, wall.Elapsed);
        SamplerStudyPlots.Save(Path.Combine(outDir, "samplers.png"), runs, ClassSampleQuality.Metrics, new HashSet<string> { "mmd2" });
        SamplerStudyReport.Print(runs, scoreErrors);
        Console.WriteLine($"Wrote {Path.Combine(outDir, "samplers.json")} and samplers.png in {Study.Describe(wall.Elapsed.TotalSeconds)}.");
        return 0;
    }

    public (List<SamplerRun> Runs, double[] PosteriorError) Measure()
    {
        var moons = ToyDataSets.TwoMoons(settings.Rows, noise: 0, seed: seed, center: true, scale: SamplerStudySettings.Scale);
        // The reference: clean moons of the same size as the generated set, so precision and recall weigh both sets alike.
        var reference = ToyDataSets.TwoMoons(2 * settings.SamplesPerClass, noise: 0, seed: seed + 1, center: true, scale: SamplerStudySettings.Scale);
        var data = moons.ToDataView(ml);
        using var score = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            Steps = settings.ScoreSteps, BatchSize = settings.BatchSize, Seed = seed, Progress = new ConsoleProgressBar("score"),
        }).Fit(data);
        using var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, new DlsmClassifierOptions
        {
            Steps = settings.ClassifierSteps, BatchSize = settings.BatchSize, Seed = seed, Progress = new ConsoleProgressBar("dlsm+ce"),
        }).Fit(data);

        // D_P measures the guided score field, not the sampler: once, at the Table-1 study's sigma and grid.
        double[] posteriorError;
        using (var oracle = new ParzenOracle(moons.Features, 2, moons.Labels))
            (posteriorError, _) = ScoreErrors.Measure(ConditionalScoreEstimate.FromGuidance(score.Model, classifier.Classifier), oracle,
                Study.Grid(35), StudySettings.EvaluationSigma);
        Console.WriteLine($"D_P at sigma {StudySettings.EvaluationSigma}: {posteriorError[0]:F3} | {posteriorError[1]:F3}");

        // The guided score of classifier.CreateSampler, wrapped to count the rows it evaluates: that gives each sampler's
        // actual network evaluations per sample, the adaptive ODE's included.
        long evaluatedRows = 0;
        var guided = ClassifierGuidance.Create(score.Model, classifier.Classifier, 1);
        ConditionalScoreFunction counted = (x, t, labels) =>
        {
            evaluatedRows += x.shape[0];
            return guided(x, t, labels);
        };
        ConditionalSamplingTransformer Sampler(SamplerOptions options) => new(counted, score.Model.Sde, 2, new LabelKeys(2), score.Model.Device,
            new ConditionalSamplerOptions { Sampler = options });

        int perClass = settings.SamplesPerClass;
        int[] classes = Enumerable.Range(0, 2).SelectMany(c => Enumerable.Repeat(c, perClass)).ToArray();
        using (var warmUp = Sampler(new SamplerOptions { Kind = SamplerKind.Ddim, Evaluations = 2, BatchSize = SamplerStudySettings.SamplerBatch }))
            warmUp.Generate(new[] { 0, 1 });   // first-call costs (allocations, kernel selection) stay out of the first timed run
        var counts = ClassSampleQuality.DrawCounts(perClass, settings.Resamples, seed + 2);
        var runs = SamplerRun.All(SamplerStudySettings.Budgets, withBatchMeanPredictorCorrector: true);
        foreach (var run in runs)
        {
            using var sampler = Sampler(run.Options(seed, SamplerStudySettings.SamplerBatch));
            evaluatedRows = 0;
            float[] samples = sampler.Generate(classes);
            run.CountedEvaluations = evaluatedRows / (double)classes.Length;
            var perClassQuality = Enumerable.Range(0, 2).Select(c => ClassSampleQuality.Measure(samples.AsSpan(c * perClass * 2, perClass * 2).ToArray(),
                reference.Features, reference.Labels, c, SamplerStudySettings.NearestK, counts)).ToArray();
            for (int metric = 0; metric < ClassSampleQuality.Metrics.Length; metric++)
            {
                int mi = metric;
                double value = perClassQuality.Average(q => q.Values[mi]);
                double[] replicates = Enumerable.Range(0, settings.Resamples).Select(b => perClassQuality.Average(q => q.Resampled[mi][b])).ToArray();
                // Precision, recall and the class share are shares, in [0, 1]; MMD^2's unbiased estimate can fall below 0.
                string name = ClassSampleQuality.Metrics[metric];
                run.Quality[name] = name == "mmd2" ? Estimate.FromReplicates(value, replicates) : Estimate.FromReplicates(value, replicates, 0, 1);
            }
            WarnIfTheReplicatesDisagree(run, perClassQuality);
            Console.WriteLine($"  {run.Label,-18} NFE {run.CountedEvaluations,7:F1}  " +
                              string.Join("  ", ClassSampleQuality.Metrics.Select(m => $"{m} {run.Quality[m].Value:F3}")));
        }

        // Wall time apart from the quality runs, round-robin: every sampler once per round on one batch of 1,000 guided rows (half
        // per class), so a burst of other work on the shared machine slows every sampler of that round, not one of them.
        int[] timed = Enumerable.Range(0, SamplerStudySettings.SamplerBatch).Select(i => i * 2 / SamplerStudySettings.SamplerBatch).ToArray();
        var samplers = runs.Select(r => Sampler(r.Options(seed, SamplerStudySettings.SamplerBatch))).ToList();
        try
        {
            for (int round = 0; round < SamplerStudySettings.TimingRounds; round++)
                for (int i = 0; i < runs.Count; i++)
                {
                    var clock = Stopwatch.StartNew();
                    samplers[i].Generate(timed);
                    runs[i].SecondsPerThousandRounds.Add(clock.Elapsed.TotalSeconds * 1000 / timed.Length);
                }
        }
        finally
        {
            foreach (var sampler in samplers) sampler.Dispose();
        }
        Console.WriteLine("  wall time per 1,000 samples, median of " + SamplerStudySettings.TimingRounds + " rounds: " +
                          string.Join(", ", runs.Select(r => $"{r.Label} {r.SecondsPerThousand:F2} s")));
        return (runs, posteriorError);
    }

    // The bootstrap reweights per-row quantities computed here; with every row once it must give ScoreML's own metrics back.
    static void WarnIfTheReplicatesDisagree(SamplerRun run, ClassSampleQuality.Replicates[] perClass)
    {
        foreach (var q in perClass)
            for (int metric = 0; metric < q.Values.Length; metric++)
                if (Math.Abs(q.Values[metric] - q.Check[metric]) > 1e-6 * Math.Max(1, Math.Abs(q.Values[metric])))
                    Console.WriteLine($"  warning: {run.Label} {ClassSampleQuality.Metrics[metric]}: ScoreML gives {q.Values[metric]:G6}, " +
                                      $"the bootstrap's full sample {q.Check[metric]:G6}");
    }
}
