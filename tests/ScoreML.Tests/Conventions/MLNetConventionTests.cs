using System.Reflection;
using Microsoft.ML.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML.Tests.Conventions;

/// <summary>
/// What an ML.NET user expects of ScoreML's estimators and transformers besides their results: an unset seed follows
/// <c>new MLContext(seed)</c>; sampling reports progress through IProgress and the context's log, and stops on a canceled token
/// or <c>CancelExecution()</c>; <c>CreatePredictionEngine</c> works where a row's result is defined on its own and otherwise
/// says why; <c>Preview()</c> generates about the rows it shows, not a whole batch.
/// </summary>
[TestClass]
public sealed class MLNetConventionTests
{
    // No seed anywhere: the MLContext decides.
    static ScoreModelOptions Unseeded(int samplerBatch = 1000) => new()
    {
        Steps = 30,
        BatchSize = 64,
        Mlp = new MlpOptions { HiddenSizes = new[] { 16 } },
        Sampler = new SamplerOptions { Kind = SamplerKind.Ddim, Steps = 10, BatchSize = samplerBatch },
    };

    static ScoreModelTransformer Fit(MLContext ml, ScoreModelOptions options) =>
        ml.ScoreMatching().Trainers.ScoreModel(options).Fit(ml.ScoreMatching().Data.TwoMoons(300, seed: 2));

    static float[] Weights(ScoreModelTransformer model) =>
        model.Model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [TestMethod]
    public void AnUnsetSeedFollowsTheMLContextsSeed()
    {
        float[] Run(int contextSeed, out float[] samples, out int? samplerSeed)
        {
            var ml = new MLContext(contextSeed);
            using var model = Fit(ml, Unseeded());
            samples = model.Generate(20);
            samplerSeed = model.Sampler.Seed;
            return Weights(model);
        }
        float[] a = Run(5, out var samplesA, out var seedA);
        float[] b = Run(5, out var samplesB, out var seedB);
        float[] c = Run(6, out var samplesC, out var seedC);
        CollectionAssert.AreEqual(a, b, "MLContext(5) twice: the same weights");
        CollectionAssert.AreEqual(samplesA, samplesB, "MLContext(5) twice: the same samples");
        Assert.AreEqual(seedA, seedB);
        Assert.IsNotNull(seedA, "the transformer fills the seed in and keeps it");
        CollectionAssert.AreNotEqual(a, c, "MLContext(6): other weights");
        CollectionAssert.AreNotEqual(samplesA, samplesC, "MLContext(6): other samples");

        // The user's options are not changed by the run.
        var options = Unseeded();
        using var model = Fit(new MLContext(5), options);
        Assert.IsNull(options.Seed);
        Assert.IsNull(options.Sampler.Seed);
    }

    [TestMethod]
    public void ASetSeedWinsOverTheMLContexts()
    {
        var options = Unseeded();
        options.Seed = 3;
        options.Sampler.Seed = 4;
        using var a = Fit(new MLContext(5), options);
        using var b = Fit(new MLContext(6), options);
        CollectionAssert.AreEqual(Weights(a), Weights(b));
        CollectionAssert.AreEqual(a.Generate(10), b.Generate(10));
        Assert.AreEqual(4, a.Sampler.Seed);
    }

    sealed class Recorder<T> : IProgress<T>
    {
        public List<T> Reports { get; } = new();
        public void Report(T value) { lock (Reports) Reports.Add(value); }
    }

    [TestMethod]
    public void SamplingReportsProgressAndLogsThroughTheMLContext()
    {
        var ml = new MLContext(1);
        var log = new List<(string Source, string Message)>();
        ml.Log += (_, e) => { lock (log) log.Add((e.Source, e.Message)); };
        using var model = Fit(ml, Unseeded(samplerBatch: 40));
        var progress = new Recorder<SamplingProgress>();
        using var sampler = model.WithSampler(new SamplerOptions { Kind = SamplerKind.Ddim, Steps = 10, BatchSize = 40, Progress = progress });
        log.Clear();
        sampler.Generate(100);

        var last = progress.Reports[^1];
        Assert.AreEqual(100, last.RowsDone);
        Assert.AreEqual(100L, last.TotalRows);
        Assert.AreEqual(10, last.Steps);
        Assert.AreEqual(TimeSpan.Zero, last.Remaining, "nothing is left at the end");
        Assert.HasCount(30, progress.Reports, "ten steps of each of three batches (40, 40, 20 rows)");
        CollectionAssert.AreEqual(new[] { 40, 40, 20 }, progress.Reports.Where(p => p.Step == p.Steps).Select(p => p.BatchRows).ToArray());
        Assert.IsTrue(progress.Reports.Zip(progress.Reports.Skip(1)).All(p => p.Second.RowsDone >= p.First.RowsDone), "rows done never fall");

        var lines = log.Where(l => l.Message.Contains("Sampling:")).ToList();
        Assert.IsNotEmpty(lines, "sampling writes to the MLContext's log");
        Assert.IsLessThanOrEqualTo(11, lines.Count, "about ten lines a run, not one per step");
        Assert.IsTrue(lines.All(l => l.Source.Contains(nameof(ScoreModelTransformer))), "the log names the component: " + lines[0].Source);
        Assert.IsTrue(lines.Any(l => l.Message.Contains("100/100 rows done")), "the last line counts every row: " + lines[^1].Message);
    }

    [TestMethod]
    public void TrainingLogsPerStepMetricsWithTheComponentName()
    {
        var ml = new MLContext(1);
        var log = new List<LoggingEventArgs>();
        ml.Log += (_, e) => { lock (log) log.Add(e); };
        using var model = Fit(ml, Unseeded());
        var steps = log.Where(e => e.Message.Contains("Step ")).ToList();
        Assert.IsNotEmpty(steps);
        Assert.IsTrue(steps.All(e => e.Source.Contains(nameof(ScoreModelEstimator))), "training lines name the estimator: " + steps[0].Source);
        Assert.IsTrue(steps.Any(e => e.Message.Contains("elapsed") && e.Message.Contains("left")), "with elapsed time and an estimate of the time left");
        Assert.IsGreaterThanOrEqualTo(3, steps.Count(e => e.Kind == ChannelMessageKind.Trace), "every progress report's metrics go to the log as Trace lines");
    }

    [TestMethod]
    public void SamplingStopsOnACanceledTokenAndOnCancelExecution()
    {
        var ml = new MLContext(1);
        using var model = Fit(ml, Unseeded());
        using var source = new CancellationTokenSource();
        int observed = 0;
        using var sampler = model.WithSampler(new SamplerOptions
        {
            Kind = SamplerKind.Ddim, Steps = 50, BatchSize = 10, CancellationToken = source.Token,
            StepObserver = (_, _) => { if (++observed == 3) source.Cancel(); },
        });
        var byToken = Assert.ThrowsExactly<OperationCanceledException>(() => sampler.Generate(100));
        Assert.Contains("SamplerOptions.CancellationToken", byToken.Message);
        Assert.IsLessThanOrEqualTo(4, observed, "stopped at the next step");

        // ML.NET 5 keeps CancelExecution internal (its AutoML calls it); the library honours it all the same.
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.Invoke(ml, null);
        var byContext = Assert.ThrowsExactly<OperationCanceledException>(() => model.Generate(10));
        Assert.Contains("MLContext.CancelExecution()", byContext.Message);
        Assert.ThrowsExactly<OperationCanceledException>(() => model.Transform(ml.ScoreMatching().Data.Requests(3)).GetColumn<float[]>("Generated").ToList());
    }

    [TestMethod]
    public void EvaluationStopsOnACanceledTokenAndOnCancelExecution()
    {
        var ml = new MLContext(1);
        var real = ml.ScoreMatching().Data.TwoMoons(200, seed: 1);
        var generated = ml.ScoreMatching().Data.TwoMoons(200, seed: 2);
        using var source = new CancellationTokenSource();
        source.Cancel();
        var byToken = Assert.ThrowsExactly<OperationCanceledException>(() =>
            ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { GeneratedColumnName = "Features", CancellationToken = source.Token }));
        Assert.Contains("GenerativeEvaluationOptions.CancellationToken", byToken.Message);
        Assert.IsNotNull(ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { GeneratedColumnName = "Features", IntervalResamples = 0 }).Fid, "not canceled: it runs");

        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.Invoke(ml, null);
        var byContext = Assert.ThrowsExactly<OperationCanceledException>(() => ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { GeneratedColumnName = "Features" }));
        Assert.Contains("MLContext.CancelExecution()", byContext.Message);
    }

    [TestMethod]
    public void PreviewGeneratesAboutTheRowsItShows()
    {
        var ml = new MLContext(1);
        using var model = Fit(ml, Unseeded());
        int largestBatch = 0;
        using var sampler = model.WithSampler(new SamplerOptions
            { Kind = SamplerKind.Ddim, Steps = 5, BatchSize = 1000, StepObserver = (_, x) => largestBatch = Math.Max(largestBatch, (int)x.shape[0]) });
        var preview = sampler.Transform(ml.ScoreMatching().Data.Requests(5000)).Preview(maxRows: 20);
        Assert.HasCount(20, preview.RowView);
        Assert.AreEqual(100, largestBatch, "a preview samples one first batch of 100 rows, not a batch of 1,000");

        // A full read still gives every row the sample Generate gives it.
        float[] all = sampler.Transform(ml.ScoreMatching().Data.Requests(250)).GetColumn<float[]>("Generated").SelectMany(v => v).ToArray();
        float[] direct = sampler.Generate(250);
        Assert.HasCount(direct.Length, all);
        for (int i = 0; i < all.Length; i++) Assert.AreEqual(direct[i], all[i], 1e-4 + 1e-4 * Math.Abs(direct[i]), $"value {i}");
    }

    sealed class SeedRequest
    {
        public int Seed { get; set; }
    }

    sealed class Sample
    {
        [VectorType(2)]
        public float[] Generated { get; set; } = Array.Empty<float>();
    }

    [TestMethod]
    public void APredictionEngineSamplesRowsThatCarryTheirSeed()
    {
        var ml = new MLContext(1);
        var options = Unseeded();
        options.SeedColumnName = "Seed";
        using var model = Fit(ml, options);
        int[] seeds = { 4, 9, 4, 21 };
        var requests = ml.Data.LoadFromEnumerable(seeds.Select(s => new SeedRequest { Seed = s }).ToList());
        var viaTransform = model.Transform(requests).GetColumn<float[]>("Generated").ToArray();

        var engine = ml.Model.CreatePredictionEngine<SeedRequest, Sample>(model);
        for (int i = 0; i < seeds.Length; i++)
        {
            var one = engine.Predict(new SeedRequest { Seed = seeds[i] }).Generated;
            for (int j = 0; j < 2; j++) Assert.AreEqual(viaTransform[i][j], one[j], 1e-5, $"request {i}, value {j}");
        }
        CollectionAssert.AreEqual(viaTransform[0], viaTransform[2], "the same seed, the same sample");
        CollectionAssert.AreNotEqual(viaTransform[0], viaTransform[1], "another seed, another sample");
    }

    sealed class Request
    {
        public int RequestId { get; set; }
    }

    [TestMethod]
    public void APredictionEngineWithoutSeedsIsRefusedWithTheReason()
    {
        var ml = new MLContext(1);
        using var model = Fit(ml, Unseeded());
        var refusal = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.CreatePredictionEngine<Request, Sample>(model));
        Assert.Contains("SeedColumnName", refusal.Message, "says what to set");
        Assert.Contains("Transform", refusal.Message, "and what to use instead");
    }
}
