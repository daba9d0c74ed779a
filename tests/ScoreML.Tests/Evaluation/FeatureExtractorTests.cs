using ScoreML.Evaluation.Metrics;
using ScoreML.Networks;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class FeatureExtractorTests
{
    [TestMethod]
    public void OnnxExtractorReproducesTheExportingNetwork()
    {
        // tiny_extractor.onnx and its expected outputs were made by torch (make_reference.py): features then logits per row.
        var (input, pixels) = Fixtures.Csv("tiny_extractor_input.csv");
        var (expected, width) = Fixtures.Csv("tiny_extractor_expected.csv");
        using var extractor = new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
        {
            ModelPath = Fixtures.OnnxModelPath, InputName = "images", FeatureOutputName = "features", LogitsOutputName = "logits",
            Channels = 3, Height = 8, Width = 8, BatchSize = 3,
        });
        Assert.AreEqual(192, pixels);
        var result = extractor.Extract(new FeatureMatrix(input, pixels, "real"));
        Assert.AreEqual(16, result.Features.Dimension);
        Assert.AreEqual(5, result.Classes);
        for (int row = 0; row < 4; row++)
        {
            for (int j = 0; j < 16; j++) Assert.AreEqual(expected[row * width + j], result.Features.Values[row * 16 + j], 1e-5);
            for (int j = 0; j < 5; j++) Assert.AreEqual(expected[row * width + 16 + j], result.Logits![row * 5 + j], 1e-5);
        }
        StringAssert.StartsWith(extractor.Identity, "onnx:tiny_extractor.onnx:sha256=");
    }

    [TestMethod]
    public void OnnxExtractorResizesAndRepeatsGrayChannels()
    {
        // 1-channel 4 x 4 rows into the 3 x 8 x 8 network: repeated to RGB and resized.
        using var extractor = new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
        {
            ModelPath = Fixtures.OnnxModelPath, Channels = 1, Height = 4, Width = 4, ModelHeight = 8, ModelWidth = 8,
        });
        var result = extractor.Extract(new FeatureMatrix(Enumerable.Range(0, 32).Select(i => i / 32f).ToArray(), 16, "generated"));
        Assert.AreEqual(2, result.Features.Rows);
        Assert.AreEqual(16, result.Features.Dimension);
    }

    [TestMethod]
    public void OnnxExtractorErrorsNameTheFileAndTheNames()
    {
        var e1 = Assert.ThrowsExactly<FileNotFoundException>(() => new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions { ModelPath = "/nonexistent/inception.onnx", Height = 8, Width = 8 }));
        StringAssert.Contains(e1.Message, "/nonexistent/inception.onnx");
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
        { ModelPath = Fixtures.OnnxModelPath, FeatureOutputName = "pool3", Height = 8, Width = 8 }));
        StringAssert.Contains(e2.Message, "pool3");
        StringAssert.Contains(e2.Message, "features, logits");
        var e3 = Assert.ThrowsExactly<ArgumentException>(() => new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
        { ModelPath = Fixtures.OnnxModelPath, InputName = "input", Height = 8, Width = 8 }));
        StringAssert.Contains(e3.Message, "images");
    }

    [TestMethod]
    public void ClassifierExtractorGivesPenultimateFeaturesAndLogits()
    {
        var network = new NoiseConditionalMlp(6, 3, new MlpOptions { HiddenSizes = new[] { 16, 8 }, ScaleOutputBySigma = false }, seed: 1);
        using var classifier = new NoiseConditionalClassifier(network);
        var extractor = new ClassifierFeatureExtractor(classifier, 0.01);
        var result = extractor.Extract(new FeatureMatrix(Enumerable.Range(0, 60).Select(i => (float)Math.Sin(i)).ToArray(), 6, "real"));
        Assert.AreEqual(10, result.Features.Rows);
        Assert.AreEqual(8, result.Features.Dimension);
        Assert.AreEqual(3, result.Classes);
        Assert.HasCount(30, result.Logits!);
        StringAssert.Contains(extractor.Identity, "weights=");
        var again = new ClassifierFeatureExtractor(classifier, 0.01);
        Assert.AreEqual(extractor.Identity, again.Identity);
    }
}
