using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Tests.Objectives;

[TestClass]
public sealed class NetworkLayoutTests
{
    /// <summary>The DLSM toy code's network: x branch 2-256-128-64, sigma branch 1-64-32-16, one linear layer from 80 to the outputs.</summary>
    [TestMethod]
    public void TwoBranchLayoutHasTheToyCodesShape()
    {
        var options = new MlpOptions
        {
            Layout = NetworkLayout.TwoBranch, HiddenSizes = new[] { 256, 128, 64 }, NoiseBranchSizes = new[] { 64, 32, 16 },
            Activation = Activation.ReLU, NoiseEmbedding = NoiseEmbeddingKind.Sigma, ScaleOutputBySigma = false,
        };
        using var network = new NoiseConditionalMlp(2, 2, options, seed: 1);
        long expected = (2 * 256 + 256) + (256 * 128 + 128) + (128 * 64 + 64) + (1 * 64 + 64) + (64 * 32 + 32) + (32 * 16 + 16) + (80 * 2 + 2);
        Assert.AreEqual(expected, network.parameters().Sum(p => p.numel()));
        using var scope = NewDisposeScope();
        var output = network.forward(randn(5, 2), full(5, 3f));
        CollectionAssert.AreEqual(new long[] { 5, 2 }, output.shape);
        // Raw sigma: the output changes with sigma even where log sigma would not matter differently.
        var a = network.forward(ones(1, 2), full(1, 1f));
        var b = network.forward(ones(1, 2), full(1, 2f));
        Assert.IsFalse(allclose(a, b));
    }

    [TestMethod]
    public void JointLayoutOutputWidthIsConfigurable()
    {
        using var network = new NoiseConditionalMlp(3, 5, new MlpOptions { HiddenSizes = new[] { 8 }, ScaleOutputBySigma = false }, seed: 1);
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 4, 5 }, network.forward(randn(4, 3), full(4, 0.5f)).shape);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NoiseConditionalMlp(3, 0, new MlpOptions(), 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new NoiseConditionalMlp(3, 3, new MlpOptions { Layout = NetworkLayout.TwoBranch, NoiseBranchSizes = Array.Empty<int>() }, 1));
    }
}
