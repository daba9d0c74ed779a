using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Tests.Objectives;

/// <summary>
/// LCSS rests on Stein's identity: for x' = x + sigma z, E_z[ s(x')^T (x' - x) / sigma^2 ] = E_z[ tr grad s(x') ].
/// We check it for a small fixed network through the library's own pieces: the per-point LCSS loss
/// (LocalCurvatureSmoothing.SteinLoss) must equal, in expectation, the exact implicit score-matching loss
/// sigma^2 [ tr grad s(x') + |s(x')|^2 / 2 ] computed with ExactScoreMatching.JacobianTrace at the same points.
/// The difference is averaged over n pairs; its mean must lie within 4 standard errors of zero (a false alarm
/// about once in 16,000 runs, and the seed is fixed), while the trace term itself must be many standard errors
/// away from zero, so that a wrong sign or a missing term would be caught. (The Stein term's noise relative to the
/// trace grows like 1/sigma, the variance LCSS is known for; below sigma = 0.3 this n no longer has that power.)
/// </summary>
[TestClass]
public sealed class LcssSteinTermTests
{
    [TestMethod]
    [DataRow(0.3)]
    [DataRow(1.0)]
    [DataRow(3.0)]
    public void SteinTermEqualsTheJacobianTraceInExpectation(double sigmaValue)
    {
        using var scope = NewDisposeScope();
        const int n = 100_000, dimension = 3;
        using var network = new NoiseConditionalMlp(dimension, dimension, new MlpOptions { HiddenSizes = new[] { 32, 32 }, ScaleOutputBySigma = false }, seed: 5);
        using var generator = new Generator(9);
        var x0 = randn(new long[] { n, dimension }, generator: generator);
        var z = randn(new long[] { n, dimension }, generator: generator);
        var std = full(new long[] { n, 1 }, sigmaValue);
        var x = (x0 + std * z).requires_grad_(true);
        var score = network.forward(x, std.squeeze(1));

        var lcss = LocalCurvatureSmoothing.SteinLoss(score, z, std, gamma: 1.0);
        var trace = ExactScoreMatching.JacobianTrace(score, x);
        var exact = std.squeeze(1).square() * (trace + 0.5 * score.square().sum(1));
        var difference = (lcss - exact).detach().to(ScalarType.Float64);

        double standardError = difference.std().item<double>() / Math.Sqrt(n);
        double meanDifference = difference.mean().item<double>();
        var traceTerm = (std.squeeze(1).square() * trace).detach().to(ScalarType.Float64);
        double meanTrace = traceTerm.mean().item<double>();

        Assert.IsLessThan(4 * standardError, Math.Abs(meanDifference),
            $"sigma {sigmaValue}: LCSS - exact = {meanDifference:G4}, standard error {standardError:G4}");
        Assert.IsGreaterThan(10 * standardError, Math.Abs(meanTrace),
            $"sigma {sigmaValue}: the trace term {meanTrace:G4} is too small for the test to tell a wrong estimator apart");
    }

    [TestMethod]
    public void GammaWeightsOnlyTheNormTerm()
    {
        using var scope = NewDisposeScope();
        var score = tensor(new float[] { 1, 2, -1, 0.5f }, new long[] { 2, 2 });
        var z = tensor(new float[] { 0.5f, -1, 2, 1 }, new long[] { 2, 2 });
        var std = tensor(new float[] { 0.5f, 2 }, new long[] { 2, 1 });
        var one = LocalCurvatureSmoothing.SteinLoss(score, z, std, 1.0);
        var two = LocalCurvatureSmoothing.SteinLoss(score, z, std, 2.0);
        // Row 0: stein = (1*0.5 + 2*-1) * 0.5 = -0.75, norm = 0.5 * 0.25 * 5 = 0.625.
        Assert.AreEqual(-0.75 + 0.625, one[0].item<float>(), 1e-6);
        Assert.AreEqual(-0.75 + 2 * 0.625, two[0].item<float>(), 1e-6);
        // Row 1: stein = (-1*2 + 0.5*1) * 2 = -3, norm = 0.5 * 4 * 1.25 = 2.5.
        Assert.AreEqual(-3 + 2.5, one[1].item<float>(), 1e-6);
    }
}
