using ScoreML.Data;
using static TorchSharp.torch;

namespace ScoreML.Tests.Scores;

[TestClass]
public sealed class ParzenOracleTests
{
    /// <summary>The score is the gradient of the log density: central differences of LogDensity, in float64, agree to 1e-5 relative.</summary>
    [TestMethod]
    [DataRow(0.05)]
    [DataRow(0.5)]
    [DataRow(3.0)]
    public void ScoreMatchesFiniteDifferencesOfTheLogDensity(double sigma)
    {
        using var scope = NewDisposeScope();
        var data = ToyDataSets.TwoMoons(300, noise: 0.1, seed: 4);
        using var oracle = new ParzenOracle(data.Features, 2);
        var x = tensor(new[] { 0.1, 0.2, 1.5, -0.4, -1.0, 0.9, 0.5, 0.25 }, new long[] { 4, 2 });
        var s = tensor(sigma);
        var score = oracle.Score(x, s);
        double h = 1e-5 * Math.Max(sigma, 0.1);
        for (int j = 0; j < 2; j++)
        {
            var step = zeros(new long[] { 4, 2 }, dtype: ScalarType.Float64);
            step[TensorIndex.Colon, j] = tensor(h);
            var difference = (oracle.LogDensity(x + step, s) - oracle.LogDensity(x - step, s)) / (2 * h);
            var exact = score[TensorIndex.Colon, j];
            double error = (difference - exact).abs().max().item<double>();
            Assert.IsLessThan(1e-5 * (1 + exact.abs().max().item<double>()), error, $"sigma {sigma}, coordinate {j}");
        }
    }

    /// <summary>
    /// More points than one data block (4096) and more queries than one query block (1024), with a mean coefficient:
    /// the blocked log-sum-exp gives what the direct formula over all points gives.
    /// </summary>
    [TestMethod]
    public void BlockedEvaluationEqualsTheDirectFormula()
    {
        using var scope = NewDisposeScope();
        var data = ToyDataSets.GaussianMixture(5000, seed: 2);
        using var oracle = new ParzenOracle(data.Features, 2);
        using var generator = new Generator(5);
        var x = randn(new long[] { 1100, 2 }, dtype: ScalarType.Float64, generator: generator) * 3;
        var sigma = rand(new long[] { 1100 }, dtype: ScalarType.Float64, generator: generator) + 0.1;
        var a = rand(new long[] { 1100 }, dtype: ScalarType.Float64, generator: generator) * 0.5 + 0.5;

        var points = tensor(data.Features, new long[] { 5000, 2 }).to(ScalarType.Float64);
        var centres = a.view(-1, 1, 1) * points.unsqueeze(0);                                  // [m, n, 2]
        var logits = -(x.unsqueeze(1) - centres).square().sum(2) / (2 * sigma.square().unsqueeze(1));
        var weights = softmax(logits, 1);
        var expectedScore = ((weights.unsqueeze(2) * centres).sum(1) - x) / sigma.square().unsqueeze(1);
        var expectedLog = logsumexp(logits, 1) - Math.Log(5000) - (2 * Math.PI * sigma.square()).log();

        Assert.IsTrue(allclose(oracle.Score(x, sigma, a), expectedScore, 1e-9, 1e-9), "score");
        Assert.IsTrue(allclose(oracle.LogDensity(x, sigma, a), expectedLog, 1e-9, 1e-9), "log density");
    }

    /// <summary>
    /// Class-conditional scores (DLSM terms): likelihood grad log p(y|x) = posterior grad log p(x|y) - prior grad log p(x), and the
    /// prior score is the mean of the posterior scores weighted by p(y | x).
    /// </summary>
    [TestMethod]
    public void ClassConditionalScoresAreConsistentWithTheMarginal()
    {
        using var scope = NewDisposeScope();
        var data = ToyDataSets.TwoMoons(400, noise: 0.05, seed: 1);
        using var oracle = new ParzenOracle(data.Features, 2, data.Labels);
        Assert.AreEqual(2, oracle.ClassCount);
        var x = tensor(new[] { 0.3, 0.6, 1.2, -0.2, 0.0, 0.0 }, new long[] { 3, 2 });
        var sigma = tensor(0.3);
        var marginal = oracle.Score(x, sigma);
        var logDensity = oracle.LogDensity(x, sigma);
        var mixed = zeros_like(marginal);
        for (int c = 0; c < 2; c++)
        {
            var y = full(new long[] { 3 }, c, dtype: ScalarType.Int64);
            var posteriorScore = oracle.PosteriorScore(x, sigma, y);
            Assert.IsTrue(allclose(oracle.LikelihoodScore(x, sigma, y), posteriorScore - marginal, 1e-12, 1e-12));
            // p(y | x) = p(y) p(x | y) / p(x), with p(y) the class share.
            using var classOracle = new ParzenOracle(
                Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == c).SelectMany(data.Row).ToArray(), 2);
            double prior = data.Labels.Count(l => l == c) / (double)data.Count;
            var classProbability = (classOracle.LogDensity(x, sigma) - logDensity).exp() * prior;
            Assert.IsTrue(allclose(classOracle.Score(x, sigma), posteriorScore, 1e-12, 1e-12));
            mixed += classProbability.unsqueeze(1) * posteriorScore;
        }
        Assert.IsTrue(allclose(mixed, marginal, 1e-9, 1e-9));
    }

    [TestMethod]
    public void BadArgumentsAreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new ParzenOracle(new float[] { 1, 2, 3 }, 2));
        Assert.ThrowsExactly<ArgumentException>(() => new ParzenOracle(new float[] { 1, 2, 3, 4 }, 2, new[] { 0, 2 }));
        using var oracle = new ParzenOracle(new float[] { 1, 2, 3, 4 }, 2);
        using var x = zeros(3, 3, dtype: ScalarType.Float64);
        Assert.ThrowsExactly<ArgumentException>(() => oracle.Score(x, tensor(1.0)));
        using var x2 = zeros(3, 2, dtype: ScalarType.Float64);
        Assert.ThrowsExactly<InvalidOperationException>(() => oracle.PosteriorScore(x2, tensor(1.0), zeros(3, dtype: ScalarType.Int64)));
    }
}
