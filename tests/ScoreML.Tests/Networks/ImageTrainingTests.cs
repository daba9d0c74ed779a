using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML.Tests.Networks;

[TestClass]
public sealed class ImageTrainingTests
{
    static readonly UNetOptions TinyUNet = new() { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 } };
    static readonly ResNetOptions TinyResNet = new() { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 }, NoiseEmbeddingWidth = 16 };

    /// <summary>
    /// Each score objective trains the U-Net through the public estimator (tiny images and network, a few dozen steps): the
    /// mean loss of the last steps is below that of the first. Exact score matching is left out: it takes one double
    /// backward pass per pixel (30 steps on 4x4 images took 9 minutes here), SSM goes through the same double backward of
    /// the U-Net, and ObjectivesLearnAGaussianScoreTests trains the exact objective on vectors.
    /// </summary>
    [TestMethod]
    [DataRow(Objective.Dsm, 8)]
    [DataRow(Objective.Lcss, 8)]
    [DataRow(Objective.Ssm, 8)]
    [DataRow(Objective.FdSsm, 8)]
    public void EveryScoreObjectiveLowersItsLossWhenTheEstimatorTrainsTheUNet(Objective kind, int size)
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            Objective = kind,
            UNet = TinyUNet,
            Steps = Steps,
            BatchSize = 12,
            LearningRate = 2e-3,
            EmaDecay = null,
            Seed = 2,
            Sde = new SdeOptions { SigmaMin = 0.01, SigmaMax = 5 },
        }).Fit(TinyImages(ml, 24, size));
        var losses = model.Model.Training!.Losses;
        Assert.HasCount(Steps, losses);
        AssertFalls(losses, kind.ToString());
    }

    /// <summary>
    /// The ResNet classifier's losses (cross-entropy, DLSM through the input gradient of log p, and both) fall when the public
    /// trainer trains it against a U-Net prior; DLSM backpropagates through grad_x log p(y | x, sigma), so this also checks
    /// that every layer of the image classifier has a second derivative in libtorch.
    /// </summary>
    [TestMethod]
    [DataRow(ClassifierLoss.CrossEntropy)]
    [DataRow(ClassifierLoss.Dlsm)]
    [DataRow(ClassifierLoss.DlsmPlusCrossEntropy)]
    public void EveryClassifierLossFallsWhenTheTrainerTrainsTheResNet(ClassifierLoss kind)
    {
        var ml = new MLContext(seed: 1);
        var images = TinyImages(ml, 24, 8);
        var view = ml.Transforms.Conversion.MapValueToKey("Label").Fit(images).Transform(images);
        using var prior = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions { UNet = TinyUNet, Steps = 2, BatchSize = 8, EmaDecay = null })
            .Fit(view);
        var losses = new LossLog();
        using var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(prior, new DlsmClassifierOptions
        {
            Loss = kind,
            ResNet = TinyResNet,
            Steps = ClassifierSteps,
            BatchSize = 24,
            LearningRate = 5e-3,
            Seed = 3,
            Progress = losses,
            ProgressInterval = 1,
        }).Fit(view);
        Assert.HasCount(ClassifierSteps, losses.Losses);
        AssertFalls(losses.Losses.ToArray(), kind.ToString());
    }

    const int Steps = 30;

    // The DLSM term's noise from step to step is large against what a classifier can remove (below): more steps, full batches.
    const int ClassifierSteps = 60;

    // Minibatches and noise levels are drawn afresh each step, so single losses are noisy: compare the means of the first and
    // last fifth. Most of the DLSM loss is the frozen prior's own error, which no classifier removes: ask for a decrease, not
    // a share.
    static void AssertFalls(float[] losses, string what)
    {
        int window = losses.Length / 5;
        double first = losses.Take(window).Average(), last = losses.Skip(losses.Length - window).Average();
        Assert.IsLessThan(first, last, $"{what}: mean loss of the first {window} steps {first}, of the last {window} {last}");
    }

    /// <summary>Records every reported loss, synchronously (Progress&lt;T&gt; would post them to a thread pool).</summary>
    sealed class LossLog : IProgress<ClassifierTrainingProgress>
    {
        public List<float> Losses { get; } = new();
        public void Report(ClassifierTrainingProgress value) => Losses.Add(value.Loss);
    }

    /// <summary>A column typed as images (as ExtractPixels types it) makes the trainers pick the U-Net and the ResNet.</summary>
    [TestMethod]
    public void ImageTypedColumnsTrainTheImageNetworks()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TinyImages(ml, 24, 8)).Transform(TinyImages(ml, 24, 8));
        var scoreModel = new ScoreModelEstimator(ml, new ScoreModelOptions { UNet = TinyUNet, Steps = 2, BatchSize = 8, EmaDecay = null })
            .Fit(view);
        Assert.IsInstanceOfType<NoiseConditionalUNet>(scoreModel.Model.Network);
        Assert.AreEqual(new ImageShape(1, 8, 8), ((NoiseConditionalUNet)scoreModel.Model.Network).Shape);
        var classifier = new DlsmClassifierTrainer(ml, scoreModel.Model, new DlsmClassifierOptions { ResNet = TinyResNet, Steps = 2, BatchSize = 8 })
            .Fit(view);
        Assert.IsInstanceOfType<NoiseConditionalResNet>(classifier.Classifier.Network);
        Assert.AreEqual(3, classifier.Classifier.ClassCount);
    }

    [TestMethod]
    public void AnImageShapeThatDoesNotFitTheRowsIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var view = TinyImages(ml, 8, 8);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            new ScoreModelEstimator(ml, new ScoreModelOptions { ImageShape = new ImageShape(3, 8, 8), Steps = 1 }).Fit(view));
        StringAssert.Contains(e.Message, "ScoreModelOptions.ImageShape");
        StringAssert.Contains(e.Message, "3x8x8 = 192 values per row, but the rows have 64");
    }

    /// <summary>Rows of a 1 x size x size image column (typed with three dimensions) and a label in {0, 1, 2}.</summary>
    static IDataView TinyImages(MLContext ml, int count, int size)
    {
        var random = new Random(9);
        var rows = Enumerable.Range(0, count).Select(i => new ImageRow
        {
            Features = Enumerable.Range(0, size * size).Select(p => (float)(random.NextDouble() + (p % size == i % 3 ? 1 : 0))).ToArray(),
            Label = (uint)(i % 3),
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, size, size);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    sealed class ImageRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
