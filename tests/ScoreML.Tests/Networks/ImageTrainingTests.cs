using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Networks;

[TestClass]
public sealed class ImageTrainingTests
{
    static readonly UNetOptions TinyUNet = new() { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 } };
    static readonly ResNetOptions TinyResNet = new() { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 }, NoiseEmbeddingWidth = 16 };

    /// <summary>
    /// Each score objective on the U-Net: a few Adam steps on one fixed batch of tiny images, with the objective's noise drawn
    /// from the same seed every time, lower that batch's loss. (Exact score matching on 1x4x4 images: it takes one backward
    /// pass per pixel.)
    /// </summary>
    [TestMethod]
    [DataRow(Objective.Dsm, 8)]
    [DataRow(Objective.Lcss, 8)]
    [DataRow(Objective.Ssm, 8)]
    [DataRow(Objective.FdSsm, 8)]
    [DataRow(Objective.Exact, 4)]
    public void EveryScoreObjectiveLowersItsLossOnAFixedBatch(Objective kind, int size)
    {
        var shape = new ImageShape(1, size, size);
        using var network = new NoiseConditionalUNet(shape, TinyUNet, seed: 2);
        var objective = ScoreObjective.Create(new ScoreModelOptions { Objective = kind });
        var sde = new SdeOptions { SigmaMin = 0.01, SigmaMax = 5 }.Create(double.NaN);
        using var scope = NewDisposeScope();
        using var data = new Generator(3);
        var x0 = rand(new long[] { 12, shape.Size }, generator: data);
        var t = rand(new long[] { 12 }, generator: data) * 0.9 + 0.05;
        double Loss()
        {
            using var noise = new Generator(4);
            return objective.PointLosses(network, sde, x0, t, noise).mean().item<float>();
        }
        var optimizer = optim.Adam(network.parameters(), lr: 2e-3);
        double before = Loss();
        for (int step = 0; step < 5; step++)
        {
            using var stepScope = NewDisposeScope();
            using var noise = new Generator(4);
            optimizer.zero_grad();
            objective.PointLosses(network, sde, x0, t, noise).mean().backward();
            optimizer.step();
        }
        double after = Loss();
        Assert.IsLessThan(before - 0.01 * Math.Abs(before), after, $"{kind}: loss {before} -> {after}");
    }

    /// <summary>
    /// The ResNet classifier's losses (cross-entropy, DLSM through the input gradient of log p, and both) fall on a fixed
    /// batch of noisy tiny images; DLSM backpropagates through grad_x log p(y | x, sigma), so this also checks that every
    /// layer of the image classifier has a second derivative in libtorch.
    /// </summary>
    [TestMethod]
    [DataRow(ClassifierLoss.CrossEntropy)]
    [DataRow(ClassifierLoss.Dlsm)]
    [DataRow(ClassifierLoss.DlsmPlusCrossEntropy)]
    public void EveryClassifierLossFallsOnAFixedBatch(ClassifierLoss kind)
    {
        var shape = new ImageShape(1, 8, 8);
        using var prior = new NoiseConditionalUNet(shape, TinyUNet, seed: 5);
        using var classifier = new NoiseConditionalClassifier(new NoiseConditionalResNet(shape, 3, TinyResNet, seed: 6));
        using var scope = NewDisposeScope();
        using var data = new Generator(7);
        var x0 = rand(new long[] { 12, shape.Size }, generator: data);
        var y = arange(12, dtype: ScalarType.Int64) % 3;
        var std = exp(rand(new long[] { 12 }, generator: data) * 2 - 2);
        var z = randn(new long[] { 12, shape.Size }, generator: data);
        var noisy = x0 + std.unsqueeze(1) * z;
        Tensor priorScore;
        using (no_grad()) priorScore = prior.forward(noisy, std);
        Tensor Loss()
        {
            var crossEntropy = nn.functional.cross_entropy(classifier.Logits(noisy, std), y);
            if (kind == ClassifierLoss.CrossEntropy) return crossEntropy;
            var leaf = noisy.detach().requires_grad_(true);
            var likelihood = classifier.LikelihoodScore(leaf, std, y, createGraph: true);
            var dlsm = DenoisingLikelihoodScoreMatching.PointLosses(likelihood, priorScore, z, std, 1).mean();
            return kind == ClassifierLoss.Dlsm ? dlsm : dlsm + crossEntropy;
        }
        var optimizer = optim.Adam(classifier.Network.parameters(), lr: 2e-3);
        double before = Loss().item<float>();
        for (int step = 0; step < 10; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            Loss().backward();
            optimizer.step();
        }
        double after = Loss().item<float>();
        // Most of the DLSM loss is the frozen prior's own error, which no classifier removes: ask for a decrease, not a share.
        Assert.IsLessThan(before, after, $"{kind}: loss {before} -> {after}");
    }

    /// <summary>A column typed as images (as ExtractPixels types it) makes the trainers pick the U-Net and the ResNet.</summary>
    [TestMethod]
    public void ImageTypedColumnsTrainTheImageNetworks()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TinyImages(ml, 24)).Transform(TinyImages(ml, 24));
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
        var view = TinyImages(ml, 8);
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            new ScoreModelEstimator(ml, new ScoreModelOptions { ImageShape = new ImageShape(3, 8, 8), Steps = 1 }).Fit(view));
        StringAssert.Contains(e.Message, "ScoreModelOptions.ImageShape");
        StringAssert.Contains(e.Message, "3x8x8 = 192 values per row, but the rows have 64");
    }

    /// <summary>Rows of a 1x8x8 image column (typed with three dimensions) and a label in {0, 1, 2}.</summary>
    static IDataView TinyImages(MLContext ml, int count)
    {
        var random = new Random(9);
        var rows = Enumerable.Range(0, count).Select(i => new ImageRow
        {
            Features = Enumerable.Range(0, 64).Select(p => (float)(random.NextDouble() + (p % 8 == i % 3 ? 1 : 0))).ToArray(),
            Label = (uint)(i % 3),
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, 8, 8);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    sealed class ImageRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
