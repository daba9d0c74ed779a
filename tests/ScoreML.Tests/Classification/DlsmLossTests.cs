using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Classification;

[TestClass]
public sealed class DlsmLossTests
{
    /// <summary>
    /// Two points in 2-D, by hand. Point 0: g = (1, -1), s = (0.5, 0), z = (1, 2), std = 0.5, so g + s + z/std = (3.5, 3),
    /// mean of squares (12.25 + 9) / 2 = 10.625; with p = 1, lambda = 0.25: 0.5 * 0.25 * 10.625 = 1.328125; with p = 2,
    /// lambda = 0.0625: 0.33203125. Point 1: g = (0, 0), s = (-1, 1), z = (2, -2), std = 2: residual (0, 0), loss 0.
    /// </summary>
    [TestMethod]
    public void EqualsTheFormulaOnAHandComputedCase()
    {
        using var scope = NewDisposeScope();
        var g = tensor(new float[] { 1, -1, 0, 0 }, new long[] { 2, 2 });
        var s = tensor(new float[] { 0.5f, 0, -1, 1 }, new long[] { 2, 2 });
        var z = tensor(new float[] { 1, 2, 2, -2 }, new long[] { 2, 2 });
        var std = tensor(new float[] { 0.5f, 2 });
        var p1 = DenoisingLikelihoodScoreMatching.PointLosses(g, s, z, std, 1).data<float>().ToArray();
        var p2 = DenoisingLikelihoodScoreMatching.PointLosses(g, s, z, std, 2).data<float>().ToArray();
        Assert.AreEqual(1.328125f, p1[0], 1e-6f);
        Assert.AreEqual(0f, p1[1], 1e-6f);
        Assert.AreEqual(0.33203125f, p2[0], 1e-6f);
    }

    /// <summary>grad_x log p(y | x, sigma) from the classifier agrees with central differences of log p (float64 network).</summary>
    [TestMethod]
    [DataRow(0.0)]
    [DataRow(1e-8)]
    public void LikelihoodScoreMatchesFiniteDifferences(double softmaxEpsilon)
    {
        using var scope = NewDisposeScope();
        var network = new NoiseConditionalMlp(3, 4, new MlpOptions { HiddenSizes = new[] { 16, 16 }, ScaleOutputBySigma = false }, seed: 7);
        network.to(ScalarType.Float64);
        using var classifier = new NoiseConditionalClassifier(network, softmaxEpsilon);
        using var generator = new Generator(2);
        var x = randn(new long[] { 5, 3 }, dtype: ScalarType.Float64, generator: generator);
        var sigma = rand(new long[] { 5 }, dtype: ScalarType.Float64, generator: generator) + 0.1;
        var labels = tensor(new long[] { 0, 1, 2, 3, 1 });
        var analytic = classifier.LikelihoodScore(x, sigma, labels);
        double h = 1e-6;
        for (int j = 0; j < 3; j++)
        {
            var step = zeros(new long[] { 5, 3 }, dtype: ScalarType.Float64);
            step[TensorIndex.Colon, j] = tensor(h);
            using var noGrad = no_grad();
            var plus = classifier.LogProbabilities(x + step, sigma).gather(1, labels.unsqueeze(1)).squeeze(1);
            var minus = classifier.LogProbabilities(x - step, sigma).gather(1, labels.unsqueeze(1)).squeeze(1);
            var numeric = (plus - minus) / (2 * h);
            double error = (numeric - analytic[TensorIndex.Colon, j]).abs().max().item<double>();
            Assert.IsLessThan(1e-6, error, $"coordinate {j}");
        }
        Assert.IsGreaterThan(1e-3, analytic.abs().max().item<double>(), "the gradient is not trivially zero");
    }
}
