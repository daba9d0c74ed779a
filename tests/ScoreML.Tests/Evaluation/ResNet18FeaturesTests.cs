using Microsoft.ML.OnnxRuntime;

namespace ScoreML.Tests.Evaluation;

/// <summary>
/// ML.NET's pretrained ResNet-18 through <see cref="ResNet18Features"/>, against the same two ONNX models run here directly with
/// ONNX Runtime on inputs prepared by this test's own code (scaling, grey to three channels, a plain-loop bilinear resize with
/// half-pixel centres): the extractor's preparation, preprocessing chain and fixed-batch handling are what is checked.
/// </summary>
[TestClass]
public sealed class ResNet18FeaturesTests
{
    const int Side = 28, Size = ResNet18Features.InputSize;

    [TestMethod]
    public void FeaturesMatchOnnxRuntimeCalledDirectlyOnIndependentlyPreparedImages()
    {
        float[][] images = { Gradient(), Checkerboard(), Disc() };
        using var extractor = ResNet18Features.Create(new ImageShape(1, Side, Side));
        var features = extractor.Extract(new FeatureMatrix(images.SelectMany(i => i).ToArray(), Side * Side, "fixed")).Features;
        Assert.AreEqual(ResNet18Features.FeatureWidth, features.Dimension);
        Assert.AreEqual(images.Length, features.Rows);

        string folder = ResNet18Features.ModelFolder();
        using var preprocess = new InferenceSession(Path.Combine(folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        using var network = new InferenceSession(Path.Combine(folder, "ResNet18Onnx", "ResNet18.onnx"));
        for (int i = 0; i < images.Length; i++)
        {
            var resized = Resize(images[i].Select(v => v * 255f).ToArray());
            var input = resized.Concat(resized).Concat(resized).ToArray();   // grey repeated to R, G, B
            using var feed = OrtValue.CreateTensorValueFromMemory(input, new long[] { 1, 3, Size, Size });
            using var prepared = preprocess.Run(new RunOptions(), new[] { "OriginalInput" }, new[] { feed }, new[] { "PreprocessedInput" });
            using var output = network.Run(new RunOptions(), new[] { "Input247" }, new[] { prepared[0] }, new[] { "Pooling395_Output_0" });
            var expected = output[0].GetTensorDataAsSpan<float>().ToArray();
            double scale = expected.Max(Math.Abs);
            Assert.IsGreaterThan(0.0, scale, "the reference features are not all zero");
            for (int j = 0; j < expected.Length; j++)
                Assert.AreEqual(expected[j], features.Values[i * expected.Length + j], 1e-4 * scale, $"image {i}, feature {j}");
        }
        // Different images give different features: the network is not collapsing them.
        double distance = Enumerable.Range(0, ResNet18Features.FeatureWidth).Sum(j => Math.Abs(features.Values[j] - features.Values[ResNet18Features.FeatureWidth + j]));
        Assert.IsGreaterThan(1e-3, distance);
    }

    [TestMethod]
    public void ImagesOfAnotherChannelCountAreRefusedByName()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => ResNet18Features.Create(new ImageShape(2, Side, Side)));
        StringAssert.Contains(error.Message, "2 channels");
    }

    /// <summary>Bilinear resize from Side to Size with half-pixel centres, clamped at the edges (PyTorch's align_corners = false).</summary>
    static float[] Resize(float[] image)
    {
        var result = new float[Size * Size];
        double ratio = (double)Side / Size;
        (int Low, int High, double Weight) Source(int target)
        {
            double s = Math.Max((target + 0.5) * ratio - 0.5, 0);
            int low = Math.Min((int)Math.Floor(s), Side - 1);
            return (low, Math.Min(low + 1, Side - 1), s - low);
        }
        for (int y = 0; y < Size; y++)
        {
            var (y0, y1, wy) = Source(y);
            for (int x = 0; x < Size; x++)
            {
                var (x0, x1, wx) = Source(x);
                double top = image[y0 * Side + x0] * (1 - wx) + image[y0 * Side + x1] * wx;
                double bottom = image[y1 * Side + x0] * (1 - wx) + image[y1 * Side + x1] * wx;
                result[y * Size + x] = (float)(top * (1 - wy) + bottom * wy);
            }
        }
        return result;
    }

    static float[] Gradient() => Enumerable.Range(0, Side * Side).Select(i => (i % Side) / (float)(Side - 1)).ToArray();
    static float[] Checkerboard() => Enumerable.Range(0, Side * Side).Select(i => ((i % Side) / 4 + (i / Side) / 4) % 2 == 0 ? 1f : 0f).ToArray();
    static float[] Disc() => Enumerable.Range(0, Side * Side).Select(i =>
    {
        double dx = i % Side - 13.5, dy = i / Side - 13.5;
        return dx * dx + dy * dy < 81 ? 0.9f : 0.1f;
    }).ToArray();
}
