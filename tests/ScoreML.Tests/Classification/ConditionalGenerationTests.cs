using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Classification;

[TestClass]
public sealed class ConditionalGenerationTests
{
    static readonly Lazy<NoiseConditionalClassifierTransformer> classifier = new(() =>
        TwoGaussians.Ml.ScoreMatching().Trainers.DlsmClassifier(TwoGaussians.ScoreModel.Model, TwoGaussians.ClassifierOptions(ClassifierLoss.DlsmPlusCrossEntropy)).Fit(TwoGaussians.Data));

    static ConditionalSamplerOptions Sampling(int batch = 100) => new() { Sampler = new SamplerOptions { Steps = 200, BatchSize = batch, Seed = 4 } };

    /// <summary>
    /// The DLSM pipeline with the score model in a chain (key mapping, score model, a harmless transform on another column) and
    /// the classifier given that chain's score model as its prior and fitted on the chain's output: the transforms in between
    /// change nothing, so it trains exactly as when fitted on the keyed data directly.
    /// </summary>
    [TestMethod]
    public void TheClassifierTrainsOnDataThatPassedTransformsAfterTheScoreModel()
    {
        var ml = TwoGaussians.Ml;
        var raw = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 400).Select(i => new TwoGaussians.Row
        {
            Features = new[] { TwoGaussians.Points[2 * i], TwoGaussians.Points[2 * i + 1] },
            Class = TwoGaussians.Labels[i] == 0 ? "left" : "right",
        }).ToList(), VectorSchema());
        var scoreOptions = TwoGaussians.ScoreOptions();
        scoreOptions.Steps = 50;
        var classifierOptions = TwoGaussians.ClassifierOptions(ClassifierLoss.DlsmPlusCrossEntropy, steps: 50);
        var chain = ml.Transforms.Conversion.MapValueToKey("Label", nameof(TwoGaussians.Row.Class))
            .Append(ml.ScoreMatching().Trainers.ScoreModel(scoreOptions))
            .Append(ml.Transforms.CopyColumns("ClassCopy", nameof(TwoGaussians.Row.Class)))
            .Fit(raw);
        var chainScores = chain.OfType<ScoreModelTransformer>().Single();
        var trainer = ml.ScoreMatching().Trainers.DlsmClassifier(chainScores, classifierOptions);
        var shape = trainer.GetOutputSchema(TestData.Shape(chain.Transform(raw).Schema));
        Assert.IsTrue(shape.Single(c => c.Name == "PredictedLabel").IsKey);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "Score").Kind);
        using var throughTransforms = trainer.Fit(chain.Transform(raw));

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", nameof(TwoGaussians.Row.Class)).Fit(raw).Transform(raw);
        using var scoreModel = ml.ScoreMatching().Trainers.ScoreModel(scoreOptions).Fit(keyed);
        using var separate = ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, classifierOptions).Fit(keyed);

        foreach (var model in new[] { throughTransforms, separate })
        {
            Assert.AreEqual(2, model.Classifier.ClassCount);
            CollectionAssert.AreEqual(new[] { "left", "right" }, model.Labels.Names);
        }
        // Same data, options and seeds: the same weights either way.
        var a = throughTransforms.Classifier.Network.parameters().Select(p => p.data<float>().ToArray()).SelectMany(v => v).ToArray();
        var b = separate.Classifier.Network.parameters().Select(p => p.data<float>().ToArray()).SelectMany(v => v).ToArray();
        CollectionAssert.AreEqual(a, b);
        chainScores.Dispose();
    }

    sealed class FeatureRow
    {
        [VectorType(2)]
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    sealed class ClassScores
    {
        public float[] Score { get; set; } = Array.Empty<float>();
        public uint PredictedLabel { get; set; }
    }

    sealed class SeededClassRequest
    {
        public string Label { get; set; } = "";
        public int Seed { get; set; }
    }

    sealed class ClassSample
    {
        [VectorType(2)]
        public float[] Generated { get; set; } = Array.Empty<float>();
    }

    /// <summary>A PredictionEngine over the classifier gives each row the probabilities and class Transform gives it.</summary>
    [TestMethod]
    public void APredictionEngineClassifiesRowByRowAsTransformDoes()
    {
        var ml = TwoGaussians.Ml;
        var rows = Enumerable.Range(0, 6).Select(i => new FeatureRow { Features = new[] { -3f + i * 1.2f, 0.1f * i } }).ToList();
        var batch = classifier.Value.Transform(ml.Data.LoadFromEnumerable(rows));
        var scores = batch.GetColumn<float[]>("Score").ToArray();
        var labels = batch.GetColumn<uint>("PredictedLabel").ToArray();
        var engine = ml.Model.CreatePredictionEngine<FeatureRow, ClassScores>(classifier.Value);
        for (int i = 0; i < rows.Count; i++)
        {
            var one = engine.Predict(rows[i]);
            Assert.AreEqual(labels[i], one.PredictedLabel, $"row {i}");
            for (int c = 0; c < 2; c++) Assert.AreEqual(scores[i][c], one.Score[c], 1e-5, $"row {i}, class {c}");
        }
        Assert.AreNotEqual(labels[0], labels[^1], "the rows span both classes");
    }

    /// <summary>A conditional sampler whose requests carry seeds samples one request at a time in a PredictionEngine, as
    /// Transform samples them; without seeds the engine is refused with the reason.</summary>
    [TestMethod]
    public void APredictionEngineSamplesSeededClassRequests()
    {
        var ml = TwoGaussians.Ml;
        var options = Sampling(batch: 4);
        options.Sampler.Steps = 50;
        options.SeedColumnName = "Seed";
        using var sampler = classifier.Value.CreateSampler(options);
        var requests = new[] { new SeededClassRequest { Label = "left", Seed = 3 }, new SeededClassRequest { Label = "right", Seed = 8 } };
        var viaTransform = sampler.Transform(ml.Data.LoadFromEnumerable(requests)).GetColumn<float[]>("Generated").ToArray();
        var engine = ml.Model.CreatePredictionEngine<SeededClassRequest, ClassSample>(sampler);
        for (int i = 0; i < requests.Length; i++)
        {
            var one = engine.Predict(requests[i]).Generated;
            for (int j = 0; j < 2; j++) Assert.AreEqual(viaTransform[i][j], one[j], 1e-4, $"request {i}, value {j}");
        }
        Assert.IsLessThan(0f, viaTransform[0][0], "left is left");
        Assert.IsGreaterThan(0f, viaTransform[1][0], "right is right");

        using var unseeded = classifier.Value.CreateSampler(Sampling());
        var refusal = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.CreatePredictionEngine<SeededClassRequest, ClassSample>(unseeded));
        Assert.Contains("SeedColumnName", refusal.Message);
    }

    [TestMethod]
    public void ConditionalSamplesLandInTheirClassRegion()
    {
        var sampler = classifier.Value.CreateSampler(Sampling());
        var generated = sampler.GenerateForEachClass(TwoGaussians.Ml, 150);
        var labels = generated.GetColumn<uint>("Label").ToArray();
        var names = TwoGaussians.Ml.Transforms.Conversion.MapKeyToValue("Name", "Label").Fit(generated).Transform(generated).GetColumn<string>("Name").ToArray();
        Assert.AreEqual("left", names[0]);
        Assert.AreEqual("right", names[^1]);
        var samples = generated.GetColumn<VBuffer<float>>("Generated").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.HasCount(300, samples);
        for (int c = 0; c < 2; c++)
        {
            var mine = samples.Where((_, i) => labels[i] == c + 1).ToArray();
            Assert.HasCount(150, mine);
            double right = mine.Count(s => (c == 0 ? s[0] < 0 : s[0] > 0)) / (double)mine.Length;
            Assert.IsGreaterThan(0.95, right, $"class {c}: {right:P1} of its samples on its side");
            Assert.AreEqual(c == 0 ? -2 : 2, mine.Average(s => s[0]), 0.5, $"class {c}: mean x");
        }
    }

    /// <summary>Requests may name classes by the original label values, mapped through the training key values.</summary>
    [TestMethod]
    public void RequestsByOriginalLabelValueAndPerRowSeeds()
    {
        var ml = TwoGaussians.Ml;
        var options = Sampling(batch: 3);
        options.SeedColumnName = "Seed";
        var sampler = classifier.Value.CreateSampler(options);
        var requests = ml.Data.LoadFromEnumerable(new[]
        {
            new Request { Label = "right", Seed = 10 }, new Request { Label = "left", Seed = 11 }, new Request { Label = "right", Seed = 10 },
            new Request { Label = "left", Seed = 12 },
        });
        var samples = sampler.Transform(requests).GetColumn<VBuffer<float>>("Generated").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.IsGreaterThan(0, samples[0][0]);
        Assert.IsLessThan(0, samples[1][0]);
        CollectionAssert.AreEqual(samples[0], samples[2], "same class, same seed: the same sample, whatever the batch");
        CollectionAssert.AreNotEqual(samples[1], samples[3]);

        var unknown = ml.Data.LoadFromEnumerable(new[] { new Request { Label = "up", Seed = 1 } });
        var error = Assert.ThrowsExactly<InvalidDataException>(() => sampler.Transform(unknown).GetColumn<VBuffer<float>>("Generated").ToArray());
        StringAssert.Contains(error.Message, "'up'");
        StringAssert.Contains(error.Message, "never saw");
    }

    /// <summary>At the smallest noise level the classifier is an ordinary multiclass classifier.</summary>
    [TestMethod]
    public void ClassifiesLikeAnMlNetMulticlassModel()
    {
        var scored = classifier.Value.Transform(TwoGaussians.Data);
        var metrics = TwoGaussians.Ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.97, metrics.MicroAccuracy);
        Assert.IsLessThan(0.2, metrics.LogLoss);

        // The predicted keys carry the training label's values, so MapKeyToValue gives the original text back.
        var named = TwoGaussians.Ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(scored).Transform(scored);
        string[] predicted = named.GetColumn<string>("PredictedName").ToArray();
        string[] truth = named.GetColumn<string>(nameof(TwoGaussians.Row.Class)).ToArray();
        Assert.IsGreaterThan(0.97, predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length);
    }

    [TestMethod]
    public void BadInputGetsClearErrors()
    {
        var ml = TwoGaussians.Ml;
        var scoreModel = TwoGaussians.ScoreModel.Model;
        var options = TwoGaussians.ClassifierOptions(ClassifierLoss.Dlsm, steps: 5);
        DlsmClassifierTrainer Trainer() => ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, options);

        var noLabel = ml.Transforms.DropColumns("Label").Fit(TwoGaussians.Data).Transform(TwoGaussians.Data);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(noLabel)).Message, "no label column 'Label'");

        var notKey = ml.Transforms.CopyColumns("Label", nameof(TwoGaussians.Row.Class)).Fit(noLabel).Transform(noLabel);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(notKey)).Message, "must be a key type");

        var oneClass = ml.Data.FilterByCustomPredicate<TwoGaussians.Row>(TwoGaussians.Data, r => r.Class == "left");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(oneClass)).Message, "same class");

        var threeD = ml.Transforms.Concatenate("Features", "Features", "Features").Fit(TwoGaussians.Data).Transform(TwoGaussians.Data);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(threeD)).Message, "score model was trained on 2");

        var missing = Assert.ThrowsExactly<ArgumentNullException>(() => ml.ScoreMatching().Trainers.DlsmClassifier((ScoreModelTransformer)null!, options));
        StringAssert.Contains(missing.Message, "needs its prior score model");
        StringAssert.Contains(missing.Message, "DlsmClassifier(scoreModelTransformer, options)");
#pragma warning disable CS0618   // the old entry point, without a prior, must say how to give one
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentNullException>(() => ml.ScoreMatching().Trainers.DlsmClassifier(options)).Message,
            "needs its prior score model");
#pragma warning restore CS0618

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => classifier.Value.CreateSampler(new ConditionalSamplerOptions { GuidanceScale = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => classifier.Value.CreateSampler(new ConditionalSamplerOptions { GuidanceScale = -1 }));

        // Requests whose key has another class count than the model.
        var threeClasses = ml.Data.LoadFromEnumerable(new[] { new KeyRequest { Label = 1 } }, KeySchema(3));
        var mismatch = Assert.ThrowsExactly<ArgumentException>(() => classifier.Value.CreateSampler(Sampling()).Transform(threeClasses));
        StringAssert.Contains(mismatch.Message, "class counts");
    }

    static SchemaDefinition VectorSchema()
    {
        var schema = SchemaDefinition.Create(typeof(TwoGaussians.Row));
        schema[nameof(TwoGaussians.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        return schema;
    }

    static SchemaDefinition KeySchema(int count)
    {
        var schema = SchemaDefinition.Create(typeof(KeyRequest));
        schema[0].ColumnType = new KeyDataViewType(typeof(uint), count);
        return schema;
    }

    public sealed class Request
    {
        public string Label { get; set; } = "";
        public int Seed { get; set; }
    }

    public sealed class KeyRequest
    {
        public uint Label { get; set; }
    }
}
