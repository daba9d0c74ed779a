using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Tests.Classification;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML.Tests.ClassifierFree;

/// <summary>
/// Class-conditional score models and classifier-free guidance on the two Gaussians (class "left" around (-2, 0), "right" around
/// (2, 0)): training from a key label with label dropout, sampling by class at w = 0 and w &gt; 0 with every sampler, the guidance
/// formula, saving and loading, the combination with a DLSM classifier, and the refusals of bad input before any training.
/// </summary>
[TestClass]
public sealed class ClassifierFreeGuidanceTests
{
    static MLContext Ml => TwoGaussians.Ml;

    static ScoreModelOptions ConditionalOptions(double dropout = 0.2, int steps = 1500)
    {
        var options = TwoGaussians.ScoreOptions();
        options.LabelColumnName = "Label";
        options.LabelDropout = dropout;
        options.Steps = steps;
        return options;
    }

    static readonly Lazy<ScoreModelTransformer> conditional = new(() => Ml.ScoreMatching().Trainers.ScoreModel(ConditionalOptions()).Fit(TwoGaussians.Data));
    static readonly Lazy<ScoreModelTransformer> withoutDropout = new(() => Ml.ScoreMatching().Trainers.ScoreModel(ConditionalOptions(0, steps: 40)).Fit(TwoGaussians.Data));

    static ConditionalSamplerOptions Sampling(double? weight, SamplerKind kind = SamplerKind.PredictorCorrector) => new()
    {
        ClassifierFreeGuidanceWeight = weight,
        Sampler = new SamplerOptions { Kind = kind, Steps = 200, Evaluations = kind is SamplerKind.PredictorCorrector or SamplerKind.AnnealedLangevin or SamplerKind.AdaptiveOde ? null : 30, BatchSize = 100, Seed = 4 },
    };

    static readonly int[] Classes = Enumerable.Range(0, 200).Select(i => i % 2).ToArray();

    // The share of samples on their class's side (x < 0 for "left", x > 0 for "right").
    static double OnTheirSide(float[] samples, int[] classes) =>
        classes.Select((c, i) => c == 0 ? samples[2 * i] < 0 : samples[2 * i] > 0).Count(b => b) / (double)classes.Length;

    [TestMethod]
    public void TheConditionalModelKnowsItsClassesAndSamplesThemAtWZero()
    {
        var model = conditional.Value.Model;
        Assert.IsTrue(model.IsConditional);
        Assert.AreEqual(2, model.Network.ConditionClasses);
        CollectionAssert.AreEqual(new[] { "left", "right" }, model.Labels!.Names);
        Assert.AreEqual(0.2, model.LabelDropout);
        using var sampler = conditional.Value.CreateSampler(Sampling(null));
        Assert.AreEqual(0.0, sampler.Options.ClassifierFreeGuidanceWeight, "an unset weight samples the conditional model as trained");
        var samples = sampler.Generate(Classes);
        Assert.IsGreaterThanOrEqualTo(0.95, OnTheirSide(samples, Classes));
        // Their means sit near the class means (-2, 0) and (2, 0).
        for (int c = 0; c < 2; c++)
        {
            double mean = Classes.Select((k, i) => (k, i)).Where(p => p.k == c).Average(p => samples[2 * p.i]);
            Assert.AreEqual(c == 0 ? -2 : 2, mean, 0.4, $"class {c}'s mean");
        }
        // The unconditional score of the same network samples both classes.
        var unconditional = conditional.Value.Generate(200);
        double left = Enumerable.Range(0, 200).Count(i => unconditional[2 * i] < 0) / 200.0;
        Assert.IsTrue(left > 0.3 && left < 0.7, $"unconditional samples {left:P0} on the left");
    }

    [TestMethod]
    public void TheGuidedScoreIsOnePlusWTimesTheConditionalMinusWTimesTheUnconditional()
    {
        var model = conditional.Value.Model;
        var score = ClassifierFreeGuidance.Create(model, 3);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(new long[] { 6, 2 }, generator: new Generator(2));
        var t = full(6, 0.3f);
        var labels = tensor(new long[] { 0, 1, 0, 1, 1, 0 });
        var sigma = model.Sde.MarginalStd(t);
        var expected = model.Network.forward(x, sigma, labels) * 4 - model.Network.forward(x, sigma) * 3;
        Assert.IsTrue(score(x, t, labels).allclose(expected, 1e-4, 1e-4));
        Assert.IsTrue(ClassifierFreeGuidance.Create(model, 0)(x, t, labels).allclose(model.Network.forward(x, sigma, labels), 1e-5, 1e-6));
    }

    [TestMethod]
    [DataRow(SamplerKind.PredictorCorrector)]
    [DataRow(SamplerKind.ProbabilityFlowOde)]
    [DataRow(SamplerKind.Ddim)]
    [DataRow(SamplerKind.Heun)]
    [DataRow(SamplerKind.DpmSolver2M)]
    [DataRow(SamplerKind.DpmSolver3S)]
    [DataRow(SamplerKind.AdaptiveOde)]
    [DataRow(SamplerKind.AnnealedLangevin)]
    public void EverySamplerGuidesWithAWeight(SamplerKind kind)
    {
        using var sampler = conditional.Value.CreateSampler(Sampling(2, kind));
        var samples = sampler.Generate(Classes);
        Assert.IsTrue(samples.All(float.IsFinite));
        Assert.IsGreaterThanOrEqualTo(0.95, OnTheirSide(samples, Classes), $"{kind} at w = 2");
    }

    [TestMethod]
    public void TheSamplerSavesAndLoadsBitIdentically()
    {
        using var folder = new Training.TemporaryFolder();
        using var sampler = conditional.Value.CreateSampler(Sampling(1.5));
        string samplerPath = Path.Combine(folder.Path, "cfg.zip"), modelPath = Path.Combine(folder.Path, "model.zip");
        Ml.ScoreMatching().Model.Save(sampler, TwoGaussians.Data.Schema, samplerPath);
        Ml.ScoreMatching().Model.Save(conditional.Value, TwoGaussians.Data.Schema, modelPath);
        using var loaded = (ConditionalSamplingTransformer)Ml.ScoreMatching().Model.Load(samplerPath, out _);
        Assert.AreEqual(1.5, loaded.Options.ClassifierFreeGuidanceWeight);
        CollectionAssert.AreEqual(new[] { "left", "right" }, loaded.Labels.Names);
        int[] classes = Classes.Take(30).ToArray();
        CollectionAssert.AreEqual(sampler.Generate(classes), loaded.Generate(classes));
        using var loadedModel = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(modelPath, out _);
        Assert.AreEqual(0.2, loadedModel.Model.LabelDropout);
        CollectionAssert.AreEqual(new[] { "left", "right" }, loadedModel.Model.Labels!.Names);
        using var fromLoadedModel = loadedModel.CreateSampler(Sampling(1.5));
        CollectionAssert.AreEqual(sampler.Generate(classes), fromLoadedModel.Generate(classes));
    }

    [TestMethod]
    public void RequestsNameClassesByTheirOriginalValues()
    {
        using var sampler = conditional.Value.CreateSampler(Sampling(1));
        var requests = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new TextRequest { Label = i % 2 == 0 ? "left" : "right" }).ToList());
        var samples = sampler.Transform(requests).GetColumn<VBuffer<float>>("Generated").Select(v => v.DenseValues().ToArray()).ToList();
        Assert.HasCount(40, samples);
        Assert.IsGreaterThanOrEqualTo(36, samples.Select((s, i) => i % 2 == 0 ? s[0] < 0 : s[0] > 0).Count(b => b));
    }

    [TestMethod]
    public void ClassifierFreeAndClassifierGuidanceCombine()
    {
        using var classifier = Ml.ScoreMatching().Trainers.DlsmClassifier(conditional.Value, TwoGaussians.ClassifierOptions(ClassifierLoss.DlsmPlusCrossEntropy, steps: 200))
            .Fit(TwoGaussians.Data);
        var both = Sampling(1);
        both.GuidanceScale = 2;
        using var combined = classifier.CreateSampler(both);
        var classifierOnly = Sampling(null);
        classifierOnly.GuidanceScale = 2;
        using var guidedOnly = classifier.CreateSampler(classifierOnly);
        var combinedSamples = combined.Generate(Classes);
        Assert.IsGreaterThanOrEqualTo(0.95, OnTheirSide(combinedSamples, Classes));
        CollectionAssert.AreNotEqual(guidedOnly.Generate(Classes), combinedSamples, "the weight changes the prior's score");

        // The combined score is CFG's plus the classifier's term.
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 4, 2 }, generator: new Generator(3));
        var t = full(4, 0.4f);
        var labels = tensor(new long[] { 0, 1, 1, 0 });
        var score = ClassifierGuidance.Create(conditional.Value.Model, classifier.Classifier, 2, 1)(x, t, labels);
        var sigma = conditional.Value.Model.Sde.MarginalStd(t);
        var expected = ClassifierFreeGuidance.Create(conditional.Value.Model, 1)(x, t, labels) + 2 * classifier.Classifier.LikelihoodScore(x, sigma, labels);
        Assert.IsTrue(score.allclose(expected, 1e-4, 1e-4));
    }

    [TestMethod]
    public void AModelTrainedWithoutDropoutSamplesAtWZeroOnly()
    {
        var model = withoutDropout.Value;
        Assert.IsFalse(model.Model.HasUnconditionalScore);
        using var plain = model.CreateSampler(Sampling(0));
        Assert.IsTrue(plain.Generate(new[] { 0, 1 }).All(float.IsFinite));
        var guided = Assert.ThrowsExactly<InvalidOperationException>(() => model.CreateSampler(Sampling(1)));
        StringAssert.Contains(guided.Message, "LabelDropout 0");
        Assert.ThrowsExactly<InvalidOperationException>(() => model.Generate(4));
        Assert.ThrowsExactly<InvalidOperationException>(() => model.Transform(Ml.ScoreMatching().Data.Requests(4)));
        var classifier = Assert.ThrowsExactly<InvalidOperationException>(() =>
            Ml.ScoreMatching().Trainers.DlsmClassifier(model, TwoGaussians.ClassifierOptions(ClassifierLoss.CrossEntropy, steps: 5)).Fit(TwoGaussians.Data));
        StringAssert.Contains(classifier.Message, "unconditional score");
    }

    [TestMethod]
    public void AnUnconditionalModelHasNoClassifierFreeSampler()
    {
        var refusal = Assert.ThrowsExactly<InvalidOperationException>(() => TwoGaussians.ScoreModel.CreateSampler(Sampling(1)));
        StringAssert.Contains(refusal.Message, "LabelColumnName");
        Assert.ThrowsExactly<ArgumentException>(() => ClassifierFreeGuidance.Create(TwoGaussians.ScoreModel.Model, 1));
    }

    [TestMethod]
    public void BadLabelsDropoutAndWeightsAreRefusedBeforeTraining()
    {
        var missing = ConditionalOptions(steps: 1);
        missing.LabelColumnName = "Class";
        var noColumn = Assert.ThrowsExactly<ArgumentException>(() => Ml.ScoreMatching().Trainers.ScoreModel(missing).Fit(TwoGaussians.Data));
        StringAssert.Contains(noColumn.Message, "'Class'");

        var notKey = ConditionalOptions(steps: 1);
        var raw = Ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Features = new[] { 1f, 2f }, Label = 1 }, new FloatLabelRow { Features = new[] { 2f, 1f }, Label = 0 } });
        var keyError = Assert.ThrowsExactly<ArgumentException>(() => Ml.ScoreMatching().Trainers.ScoreModel(notKey).Fit(raw));
        StringAssert.Contains(keyError.Message, "must be a key type");
        Assert.ThrowsExactly<ArgumentException>(() => Ml.ScoreMatching().Trainers.ScoreModel(notKey).GetOutputSchema(TestData.Shape(raw.Schema)));

        foreach (double dropout in new[] { -0.1, 1.0, double.NaN })
        {
            var bad = ConditionalOptions(dropout, steps: 1);
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.ScoreMatching().Trainers.ScoreModel(bad));
            StringAssert.Contains(e.Message, "LabelDropout");
        }
        foreach (double weight in new[] { -1.0, double.NaN, double.PositiveInfinity })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => conditional.Value.CreateSampler(Sampling(weight)));
            StringAssert.Contains(e.Message, "ClassifierFreeGuidanceWeight");
        }
    }

    [TestMethod]
    public void RequestsAndClassifiersOfAnotherClassCountAreRefused()
    {
        using var sampler = conditional.Value.CreateSampler(Sampling(0));
        var threeClasses = Ml.Data.LoadFromEnumerable(new[] { new KeyRequest { Label = 3 } },
            SchemaWithKey(3));
        var requestError = Assert.ThrowsExactly<ArgumentException>(() => sampler.Transform(threeClasses));
        StringAssert.Contains(requestError.Message, "class counts");

        var rows = Enumerable.Range(0, 30).Select(i => new KeyedRow { Features = new[] { TwoGaussians.Points[2 * i], TwoGaussians.Points[2 * i + 1] }, Label = (uint)(i % 3 + 1) }).ToList();
        var schema = SchemaDefinition.Create(typeof(KeyedRow));
        schema[nameof(KeyedRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        schema[nameof(KeyedRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), 3);
        var data = Ml.Data.LoadFromEnumerable(rows, schema);
        var classifierError = Assert.ThrowsExactly<ArgumentException>(() =>
            Ml.ScoreMatching().Trainers.DlsmClassifier(conditional.Value, TwoGaussians.ClassifierOptions(ClassifierLoss.CrossEntropy, steps: 5)).Fit(data));
        StringAssert.Contains(classifierError.Message, "3 classes");
    }

    [TestMethod]
    [DataRow(Objective.Lcss)]
    [DataRow(Objective.Ssm)]
    [DataRow(Objective.FdSsm)]
    [DataRow(Objective.Exact)]
    public void EveryObjectiveTrainsAConditionalModel(Objective objective)
    {
        var options = ConditionalOptions(steps: 30);
        options.Objective = objective;
        options.Projections = 2;   // SSM and FD-SSM stack copies of the batch; each copy gets the batch's classes
        using var model = Ml.ScoreMatching().Trainers.ScoreModel(options).Fit(TwoGaussians.Data);
        Assert.IsTrue(model.Model.Training!.Losses.All(float.IsFinite));
        Assert.AreEqual(2, model.Model.Network.ConditionClasses);
    }

    static SchemaDefinition SchemaWithKey(int count)
    {
        var schema = SchemaDefinition.Create(typeof(KeyRequest));
        schema[nameof(KeyRequest.Label)].ColumnType = new KeyDataViewType(typeof(uint), count);
        return schema;
    }

    sealed class TextRequest
    {
        public string Label { get; set; } = "";
    }

    sealed class KeyRequest
    {
        public uint Label { get; set; }
    }

    sealed class FloatLabelRow
    {
        [VectorType(2)]
        public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    sealed class KeyedRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
