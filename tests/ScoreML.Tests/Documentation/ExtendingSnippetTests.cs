using Microsoft.ML;
using Snippets;

namespace ScoreML.Tests.Documentation;

/// <summary>
/// Runs each extension of docs/extending.md (Documentation/Snippets/ExtendingSnippets.cs) as the document shows it, on two
/// moons, and checks that it did what the document says: the user's objective, loss, sampler, predictor, guidance term,
/// feature extractor and training step each ran and gave finite, sensible results.
/// </summary>
[TestClass]
public sealed class ExtendingSnippetTests
{
    static readonly MLContext Ml = new(2);
    static readonly Lazy<IDataView> Moons = new(() =>
    {
        var data = Ml.ScoreMatching().Data.TwoMoons(400, seed: 3);
        return Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    });
    static readonly Lazy<ScoreModelTransformer> Model = new(() => ExtendingSnippets.UseObjective(Ml, Moons.Value));

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void AUserObjectiveTrainsAModelThatSamplesTheMoons()
    {
        var losses = Model.Value.Model.Training!.Losses;
        Assert.HasCount(300, losses);
        Assert.IsLessThan(losses.Take(20).Average(), losses.TakeLast(20).Average(), "the loss falls");
        float[] samples = Model.Value.Generate(200);
        AssertOnTheMoons(samples);
    }

    [TestMethod]
    public void AUserClassifierLossTrainsAClassifier()
    {
        using var classifier = ExtendingSnippets.UseClassifierLoss(Ml, Model.Value, Moons.Value);
        var metrics = Ml.MulticlassClassification.Evaluate(classifier.Transform(Moons.Value));
        Assert.IsGreaterThan(0.8, metrics.MicroAccuracy, "smoothed cross-entropy learns the two moons apart");
    }

    [TestMethod]
    public void AUserSamplerSamplesSavesAndLoads()
    {
        string path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), "extending-euler.zip");
        float[] loaded = ExtendingSnippets.UseSamplerAndSave(Ml, Model.Value, Ml.ScoreMatching().Data.Requests(1), path);
        // The snippet's sampler drew its seed from the MLContext when it was made, and the zip keeps it.
        using var saved = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(path, out _);
        Assert.IsNotNull(saved.Sampler.Seed, "a saved sampler keeps the seed it drew");
        using var euler = Model.Value.WithSampler(new SamplerOptions
            { Kind = SamplerKind.Custom, CustomSampler = new EulerOdeSampler { Steps = 50 }, Seed = saved.Sampler.Seed });
        CollectionAssert.AreEqual(euler.Generate(100), loaded, "the loaded model samples with the same sampler and settings");
        AssertOnTheMoons(loaded);
    }

    [TestMethod]
    public void AUserPredictorRunsInThePredictorCorrectorSampler()
    {
        float[] samples = ExtendingSnippets.UsePredictor(Model.Value);
        Assert.HasCount(200, samples);
        AssertOnTheMoons(samples);
    }

    [TestMethod]
    public void AUserGuidanceTermPullsEachClassToItsPrototype()
    {
        float[] samples = ExtendingSnippets.UseGuidance(Model.Value);
        Assert.HasCount(6, samples);
        Assert.IsTrue(samples.All(float.IsFinite));
        var sampler = Model.Value.CreateGuidedSampler(new LabelKeys(2), new ConditionalSamplerOptions
        {
            Guidance = new PrototypeGuidance { Prototypes = new[] { new[] { -1f, 0f }, new[] { 1f, 0f } }, Weight = 2 },
        });
        using (sampler)
        {
            int[] classes = Enumerable.Range(0, 60).Select(i => i % 2).ToArray();
            float[] many = sampler.Generate(classes);
            double MeanX(int c) => classes.Select((k, i) => (k, x: many[2 * i])).Where(p => p.k == c).Average(p => p.x);
            Assert.IsGreaterThan(MeanX(0), MeanX(1), "class 1 (prototype x = 1) lies right of class 0 (x = -1)");
        }
    }

    [TestMethod]
    public void AUserFeatureExtractorFeedsTheMetrics()
    {
        var generated = Model.Value.Transform(Ml.ScoreMatching().Data.Requests(200));
        var metrics = ExtendingSnippets.UseFeatureExtractor(Ml, Moons.Value, generated);
        Assert.AreEqual("first 1 coordinates", metrics.Extractor);
        Assert.IsTrue(double.IsFinite(metrics.Fid!.Value));
    }

    [TestMethod]
    public void AUserTrainingStepRunsOnTheTrainingCore()
    {
        var summary = ExtendingSnippets.UseTrainingRun();
        Assert.HasCount(200, summary.Losses);
        Assert.IsLessThan(0.1 * summary.Losses[0], summary.Losses[^1], "least squares on a linear target converges");
    }

    /// <summary>Two moons lie within [-1, 2] x [-0.5, 1]; most samples of a model trained on them fall near that box (the prior's
    /// samples, of standard deviation sigma_max, about 3, mostly do not).</summary>
    static void AssertOnTheMoons(float[] samples)
    {
        Assert.IsTrue(samples.All(float.IsFinite));
        int near = Enumerable.Range(0, samples.Length / 2).Count(i => samples[2 * i] is > -1.5f and < 2.5f && samples[2 * i + 1] is > -1f and < 1.5f);
        Assert.IsGreaterThan(0.7, near / (samples.Length / 2.0), $"{near} of {samples.Length / 2} samples near the moons");
    }
}
