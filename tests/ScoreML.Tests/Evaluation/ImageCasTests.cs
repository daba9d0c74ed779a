using Microsoft.ML;
using ScoreML.Evaluation.Metrics;
using ScoreML.Networks;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class ImageCasTests
{
    /// <summary>Tiny 1x8x8 images whose class is a bright horizontal band (rows 2c, 2c + 1) in noise.</summary>
    static LabelledFeatures Bands(int perClass, int seed)
    {
        var random = new Random(seed);
        var values = new List<float>();
        var labels = new List<int>();
        for (int i = 0; i < 3 * perClass; i++)
        {
            int c = i % 3;
            for (int p = 0; p < 64; p++) values.Add((float)(0.3 * random.NextDouble() + (p / 8 / 2 == c ? 0.7 : 0)));
            labels.Add(c);
        }
        return new LabelledFeatures(new FeatureMatrix(values.ToArray(), 64, "images"), labels.ToArray(), 3);
    }

    /// <summary>With an image shape, CAS trains the ResNet; separable image classes reach near 100 %, shuffled labels chance.</summary>
    [TestMethod]
    public void TheResNetClassifiesSeparableImages()
    {
        var ml = new MLContext(seed: 1);
        var options = new CasOptions { ImageShape = new ImageShape(1, 8, 8), Epochs = 15, BatchSize = 32, ResNet = new ResNetOptions { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 }, NoiseEmbeddingWidth = 16 } };
        double cas = ClassificationAccuracyScore.Compute(ml, Bands(60, 1), Bands(40, 2), options);
        Assert.IsGreaterThan(0.95, cas, $"CAS {cas}");
        var generated = Bands(60, 1);
        var shuffled = new LabelledFeatures(generated.Features, generated.Labels.Select((l, i) => (l + i / 3) % 3).ToArray(), 3);
        double chance = ClassificationAccuracyScore.Compute(ml, shuffled, Bands(40, 2), options);
        Assert.IsLessThan(0.6, chance, $"CAS with scrambled labels {chance}");
        var e = Assert.ThrowsExactly<ArgumentException>(() => ClassificationAccuracyScore.Compute(ml, Bands(10, 1), Bands(10, 2), new CasOptions { ImageShape = new ImageShape(3, 8, 8) }));
        StringAssert.Contains(e.Message, "CasOptions.ImageShape");
    }
}
