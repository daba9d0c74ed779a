using ScoreML.Tests.Classification;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Evaluation.Metrics;
using ScoreML.Networks;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;
using static ScoreML.Tests.Lifetime.LifetimeFixtures;
using static TorchSharp.torch;

namespace ScoreML.Tests.Lifetime;

/// <summary>
/// Who frees the networks: every transformer, copy (WithSampler, WithOptions, CreateSampler) and loaded model holds its own
/// reference, so any of them can be disposed first without breaking the others; a disposed one refuses every use with an
/// ObjectDisposedException naming its type, and refuses to be saved before anything is written.
/// </summary>
[TestClass]
public sealed class TransformerLifetimeTests
{
    public TestContext TestContext { get; set; } = null!;

    static ConditionalSamplerOptions Guided(double scale = 1, int seed = 3) => new() { GuidanceScale = scale, Sampler = FewSteps(seed) };

    static ScoreModel NewScoreModel() => new(ScoreNetwork(), SmallSde, CPU);

    static NoiseConditionalClassifier NewClassifier() => new(ClassifierNetwork());

    static LabelKeys Labels => new(2, new[] { "left", "right" }, TextDataViewType.Instance);

    static ScoreModelTransformer NewScoreModelTransformer() => new(NewScoreModel(), FewSteps());

    // The classifier transformer borrows nothing from the caller: the score model handed to it is the caller's to dispose.
    static (ScoreModelTransformer Scores, NoiseConditionalClassifierTransformer Classifier) NewClassifierTransformer()
    {
        var scores = NewScoreModelTransformer();
        return (scores, new NoiseConditionalClassifierTransformer(scores.Model, NewClassifier(), Labels));
    }

    static IDataView Features => TestData.Vectors(Ml, TwoGaussians.Points.Take(20).ToArray(), 2);

    static float[] Generated(IDataView view) => view.GetColumn<VBuffer<float>>("Generated").SelectMany(v => v.DenseValues()).ToArray();

    static void AssertDisposed<T>(Action call, string what)
    {
        var e = Assert.ThrowsExactly<ObjectDisposedException>(call, what);
        Assert.AreEqual(typeof(T).FullName, e.ObjectName, what);
        StringAssert.Contains(e.Message, typeof(T).Name, what);
    }

    string TempFolder()
    {
        string folder = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{TestContext.TestName}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    [TestMethod]
    public void SavingADisposedModelIsRefusedBeforeAnyFileIsWritten()
    {
        var (scores, classifier) = NewClassifierTransformer();
        var sampler = classifier.CreateSampler(Guided());
        string folder = TempFolder();
        string existing = Path.Combine(folder, "existing.zip");
        Ml.ScoreMatching().Model.Save(scores, Features.Schema, existing);
        byte[] good = File.ReadAllBytes(existing);
        scores.Dispose();
        classifier.Dispose();
        sampler.Dispose();

        var cases = new (ITransformer Model, Type Disposed)[]
        {
            (scores, typeof(ScoreModelTransformer)),
            (classifier, typeof(NoiseConditionalClassifierTransformer)),
            (sampler, typeof(ConditionalSamplingTransformer)),
            (new TransformerChain<ITransformer>(Ml.Transforms.CopyColumns("Copy", "Features").Fit(Features), classifier), typeof(NoiseConditionalClassifierTransformer)),
        };
        foreach (var (model, disposed) in cases)
        {
            string what = $"{model.GetType().Name} holding a disposed {disposed.Name}";
            string fresh = Path.Combine(folder, "new", $"{disposed.Name}.zip");
            var e = Assert.ThrowsExactly<ObjectDisposedException>(() => Ml.ScoreMatching().Model.Save(model, Features.Schema, fresh), what);
            Assert.AreEqual(disposed.FullName, e.ObjectName, what);
            Assert.IsFalse(Directory.Exists(Path.GetDirectoryName(fresh)), $"{what}: nothing may be created, not even the folder");

            e = Assert.ThrowsExactly<ObjectDisposedException>(() => Ml.ScoreMatching().Model.Save(model, Features.Schema, existing), what);
            Assert.AreEqual(disposed.FullName, e.ObjectName, what);
            CollectionAssert.AreEqual(good, File.ReadAllBytes(existing), $"{what}: the zip already there is kept as it was");
            Assert.IsFalse(File.Exists(existing + ".tmp"), what);

            // ML.NET's own Save reaches the transformer's Save, which refuses too rather than write a zip without weights.
            using var stream = new MemoryStream();
            e = Assert.ThrowsExactly<ObjectDisposedException>(() => Ml.Model.Save(model, Features.Schema, stream), what);
            Assert.AreEqual(disposed.FullName, e.ObjectName, what);
        }
        CollectionAssert.AreEquivalent(new[] { "existing.zip" }, Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void EveryUseOfADisposedScoreModelTransformerThrowsNamingTheType()
    {
        var transformer = NewScoreModelTransformer();
        var requests = Ml.ScoreMatching().Data.Requests(6);
        var madeBefore = transformer.Transform(requests);
        transformer.Dispose();

        AssertDisposed<ScoreModelTransformer>(() => transformer.Transform(requests), "Transform");
        AssertDisposed<ScoreModelTransformer>(() => transformer.GetOutputSchema(requests.Schema), "GetOutputSchema");
        AssertDisposed<ScoreModelTransformer>(() => transformer.Generate(3), "Generate");
        AssertDisposed<ScoreModelTransformer>(() => transformer.WithSampler(FewSteps(4)), "WithSampler");
        AssertDisposed<ScoreModelTransformer>(() => _ = transformer.Model, "Model");
        AssertDisposed<ScoreModelTransformer>(() => transformer.GetRowToRowMapper(requests.Schema), "GetRowToRowMapper");
        AssertDisposed<ScoreModelTransformer>(() => Generated(madeBefore), "reading a view made before Dispose");
        Assert.AreEqual(FewSteps().Steps, transformer.Sampler.Steps, "plain settings stay readable");
    }

    [TestMethod]
    public void EveryUseOfADisposedClassifierTransformerThrowsNamingTheType()
    {
        var (scores, classifier) = NewClassifierTransformer();
        var madeBefore = classifier.Transform(Features);
        classifier.Dispose();

        AssertDisposed<NoiseConditionalClassifierTransformer>(() => classifier.Transform(Features), "Transform");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => classifier.GetOutputSchema(Features.Schema), "GetOutputSchema");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => classifier.CreateSampler(Guided()), "CreateSampler");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => _ = classifier.ClassificationSigma, "ClassificationSigma");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => _ = classifier.ScoreModel, "ScoreModel");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => _ = classifier.Classifier, "Classifier");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => classifier.GetRowToRowMapper(Features.Schema), "GetRowToRowMapper");
        AssertDisposed<NoiseConditionalClassifierTransformer>(() => madeBefore.GetColumn<float[]>("Score").ToArray(), "reading a view made before Dispose");
        Assert.AreEqual(2, classifier.Labels.Count, "plain settings stay readable");
        Assert.HasCount(6, scores.Generate(3), "the score model's own transformer is not affected");
        scores.Dispose();
    }

    [TestMethod]
    public void EveryUseOfADisposedConditionalSamplerThrowsNamingTheType()
    {
        var (scores, classifier) = NewClassifierTransformer();
        var sampler = classifier.CreateSampler(Guided());
        var requests = sampler.GenerateForEachClass(Ml, 2);
        var madeBefore = sampler.Transform(requests);
        sampler.Dispose();

        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.Generate(new[] { 0, 1 }), "Generate");
        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.GenerateForEachClass(Ml, 2), "GenerateForEachClass");
        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.GenerateForEachClass(Ml, new[] { 1, 2 }), "GenerateForEachClass(counts)");
        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.Transform(requests), "Transform");
        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.GetOutputSchema(requests.Schema), "GetOutputSchema");
        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.WithOptions(Guided(2)), "WithOptions");
        AssertDisposed<ConditionalSamplingTransformer>(() => _ = sampler.Prior, "Prior");
        AssertDisposed<ConditionalSamplingTransformer>(() => sampler.GetRowToRowMapper(requests.Schema), "GetRowToRowMapper");
        AssertDisposed<ConditionalSamplingTransformer>(() => Generated(madeBefore), "reading a view made before Dispose");

        // A sampler of a custom score holds no networks, but is disposed all the same.
        var custom = new ConditionalSamplingTransformer((x, t, labels) => x, scores.Model.Sde, 2, Labels, CPU, Guided());
        custom.Dispose();
        AssertDisposed<ConditionalSamplingTransformer>(() => custom.Generate(new[] { 0, 1 }), "Generate of a custom-score sampler");
        Assert.HasCount(4, classifier.CreateSampler(Guided()).Generate(new[] { 0, 1 }), "the classifier the sampler came from is not affected");
        classifier.Dispose();
        scores.Dispose();
    }

    [TestMethod]
    public void EveryUseOfADisposedScoreModelOrClassifierThrowsNamingTheType()
    {
        var model = NewScoreModel();
        var classifier = NewClassifier();
        model.Dispose();
        classifier.Dispose();
        using var x = zeros(3, 2);
        using var sigma = ones(3);
        using var labels = zeros(3, dtype: ScalarType.Int64);

        AssertDisposed<ScoreModel>(() => _ = model.Network, "Network");
        AssertDisposed<ScoreModel>(() => _ = model.Dimension, "Dimension");
        AssertDisposed<ScoreModel>(() => model.AsScoreFunction(), "AsScoreFunction");
        AssertDisposed<NoiseConditionalClassifier>(() => _ = classifier.Network, "Network");
        AssertDisposed<NoiseConditionalClassifier>(() => classifier.Logits(x, sigma), "Logits");
        AssertDisposed<NoiseConditionalClassifier>(() => classifier.LikelihoodScore(x, sigma, labels), "LikelihoodScore");
        // The evaluation's feature extractor borrows the classifier, and says which object is gone.
        AssertDisposed<NoiseConditionalClassifier>(() => new ClassifierFeatureExtractor(classifier, 0.01), "ClassifierFeatureExtractor");
    }

    [TestMethod]
    public void AClassifierFeatureExtractorWhoseClassifierWasDisposedSaysSo()
    {
        var classifier = NewClassifier();
        var extractor = new ClassifierFeatureExtractor(classifier, 0.01);
        var rows = new FeatureMatrix(TwoGaussians.Points.Take(8).ToArray(), 2, "real");
        Assert.AreEqual(4, extractor.Extract(rows).Features.Rows);
        classifier.Dispose();
        AssertDisposed<NoiseConditionalClassifier>(() => extractor.Extract(rows), "Extract");
    }

    [TestMethod]
    public void AWithSamplerCopyAndItsOriginalCanBeDisposedInEitherOrder()
    {
        foreach (bool copyFirst in new[] { true, false })
        {
            var original = NewScoreModelTransformer();
            var copy = original.WithSampler(FewSteps(4));
            float[] fromOriginal = original.Generate(5), fromCopy = copy.Generate(5);
            var (first, second) = copyFirst ? (copy, original) : (original, copy);
            float[] expected = copyFirst ? fromOriginal : fromCopy;

            first.Dispose();
            CollectionAssert.AreEqual(expected, second.Generate(5), $"copy first: {copyFirst}");
            CollectionAssert.AreEqual(expected, Generated(second.Transform(Ml.ScoreMatching().Data.Requests(5))), $"copy first: {copyFirst}");
            using (var another = second.WithSampler(FewSteps(5))) Assert.HasCount(10, another.Generate(5));
            second.Dispose();
            AssertDisposed<ScoreModelTransformer>(() => second.Generate(5), $"copy first: {copyFirst}");
        }
    }

    [TestMethod]
    public void SamplersAndTheirClassifierCanBeDisposedInAnyOrder()
    {
        var (scores, classifier) = NewClassifierTransformer();
        var sampler = classifier.CreateSampler(Guided());
        var rescaled = sampler.WithOptions(Guided(scale: 2));
        var reseeded = sampler.WithOptions(Guided(seed: 4));
        var classes = new[] { 0, 1, 1, 0, 1 };
        float[] expected = rescaled.Generate(classes), expectedReseeded = reseeded.Generate(classes);

        scores.Dispose();
        classifier.Dispose();
        sampler.Dispose();
        CollectionAssert.AreEqual(expected, rescaled.Generate(classes), "after the score model, the classifier and the first sampler are disposed");
        rescaled.Dispose();
        CollectionAssert.AreEqual(expectedReseeded, reseeded.Generate(classes));
        reseeded.Dispose();
    }

    [TestMethod]
    public void ALoadedSamplerAndItsCopiesCanBeDisposedInAnyOrder()
    {
        var (scores, classifier) = NewClassifierTransformer();
        string path = Path.Combine(TempFolder(), "sampler.zip");
        using (var sampler = classifier.CreateSampler(Guided()))
            Ml.ScoreMatching().Model.Save(sampler, Features.Schema, path);
        classifier.Dispose();
        scores.Dispose();
        var classes = new[] { 1, 0, 1 };

        var loaded = (ConditionalSamplingTransformer)Ml.ScoreMatching().Model.Load(path, out _);
        var copy = loaded.WithOptions(Guided(scale: 3));
        float[] expected = copy.Generate(classes);
        loaded.Dispose();
        CollectionAssert.AreEqual(expected, copy.Generate(classes), "a copy of a loaded sampler outlives it");
        copy.Dispose();

        var loadedScores = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(SaveScoreModel(), out _);
        var loadedCopy = loadedScores.WithSampler(FewSteps(4));
        expected = loadedCopy.Generate(4);
        loadedScores.Dispose();
        CollectionAssert.AreEqual(expected, loadedCopy.Generate(4), "a copy of a loaded score model outlives it");
        loadedCopy.Dispose();
    }

    string SaveScoreModel()
    {
        string path = Path.Combine(TempFolder(), "scores.zip");
        using var scores = NewScoreModelTransformer();
        Ml.ScoreMatching().Model.Save(scores, Features.Schema, path);
        return path;
    }

    [TestMethod]
    public void AScoreModelTransformerCanBeDisposedBeforeTheClassifierFittedOnIt()
    {
        var data = TwoGaussiansSample(200);
        var scoreOptions = TwoGaussians.ScoreOptions();
        scoreOptions.Steps = 10;
        scoreOptions.Mlp = new MlpOptions { HiddenSizes = new[] { 8 } };
        scoreOptions.Sampler = FewSteps();
        var classifierOptions = TwoGaussians.ClassifierOptions(ClassifierLoss.CrossEntropy, steps: 10);
        classifierOptions.Mlp = new MlpOptions { HiddenSizes = new[] { 8 }, ScaleOutputBySigma = false };

        // Given the score model, and given its transformer while fitted on that transformer's output.
        var scores = Ml.ScoreMatching().Trainers.ScoreModel(scoreOptions).Fit(data);
        var separate = Ml.ScoreMatching().Trainers.DlsmClassifier(scores.Model, classifierOptions).Fit(data);
        var priorScores = Ml.ScoreMatching().Trainers.ScoreModel(scoreOptions).Fit(data);
        var onItsOutput = Ml.ScoreMatching().Trainers.DlsmClassifier(priorScores, classifierOptions).Fit(priorScores.Transform(data));
        foreach (var (scoreTransformer, fitted) in new[] { (scores, separate), (priorScores, onItsOutput) })
        {
            float[] expected = fitted.CreateSampler(Guided()).Generate(new[] { 0, 1 });
            scoreTransformer.Dispose();
            CollectionAssert.AreEqual(expected, fitted.CreateSampler(Guided()).Generate(new[] { 0, 1 }));
            Assert.HasCount(200, fitted.Transform(data).GetColumn<float[]>("Score").ToArray());
            fitted.Dispose();
        }
    }

    [TestMethod]
    public void FittingAClassifierOnADisposedScoreModelIsRefusedNamingIt()
    {
        var data = TwoGaussiansSample(100);
        var classifierOptions = TwoGaussians.ClassifierOptions(ClassifierLoss.CrossEntropy, steps: 5);
        var scores = NewScoreModelTransformer();
        var model = scores.Model;
        scores.Dispose();

        // Given to the trainer as the model, or as its disposed transformer.
        AssertDisposed<ScoreModel>(() => Ml.ScoreMatching().Trainers.DlsmClassifier(model, classifierOptions).Fit(data), "a disposed score model given to the trainer");
        AssertDisposed<ScoreModelTransformer>(() => Ml.ScoreMatching().Trainers.DlsmClassifier(scores, classifierOptions).Fit(data), "a disposed transformer given to the trainer");
        using var classifier = NewClassifier();   // refused, so not taken over
        AssertDisposed<ScoreModel>(() => new NoiseConditionalClassifierTransformer(model, classifier, Labels), "a disposed score model given to the transformer");
    }

    static IDataView TwoGaussiansSample(int rows)
    {
        var schema = SchemaDefinition.Create(typeof(TwoGaussians.Row));
        schema[nameof(TwoGaussians.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        var raw = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new TwoGaussians.Row
        {
            Features = new[] { TwoGaussians.Points[2 * i], TwoGaussians.Points[2 * i + 1] },
            Class = TwoGaussians.Labels[i] == 0 ? "left" : "right",
        }).ToList(), schema);
        return Ml.Transforms.Conversion.MapValueToKey("Label", nameof(TwoGaussians.Row.Class)).Fit(raw).Transform(raw);
    }

    [TestMethod]
    public void DisposingTwiceIsHarmless()
    {
        var (scores, classifier) = NewClassifierTransformer();
        var sampler = classifier.CreateSampler(Guided());
        var copy = scores.WithSampler(FewSteps(4));
        var disposables = new IDisposable[] { sampler, classifier, scores, NewScoreModel(), NewClassifier() };
        foreach (var disposable in disposables)
        {
            disposable.Dispose();
            disposable.Dispose();
        }
        Assert.HasCount(4, copy.Generate(2), "a second Dispose of the original does not release the copy's reference");
        copy.Dispose();
        copy.Dispose();
        AssertDisposed<ScoreModelTransformer>(() => copy.Generate(2), "after two Dispose calls");
    }
}
