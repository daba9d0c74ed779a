using ScoreML.Evaluation.Metrics;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class BitsPerDimensionTests
{
    // Data N(0, s0^2 I) in D dimensions under the VE SDE with its exact score. The flow is a scaling, x(t) = x a(t)/a(eps)
    // with a(t)^2 = s0^2 + sigma(t)^2, so log p(x) = log N(x(T); 0, sigma_max^2 I) + D log(a(T)/a(eps)) in closed form.
    const int D = 3;
    const double S0 = 1.5, SigmaMin = 0.01, SigmaMax = 20;

    static double Expected(float[] x, double eps)
    {
        double Sigma(double t) => SigmaMin * Math.Pow(SigmaMax / SigmaMin, t);
        double aEps = Math.Sqrt(S0 * S0 + Math.Pow(Sigma(eps), 2)), aT = Math.Sqrt(S0 * S0 + SigmaMax * SigmaMax);
        double total = 0;
        int n = x.Length / D;
        for (int i = 0; i < n; i++)
        {
            double r2 = 0;
            for (int j = 0; j < D; j++) r2 += Math.Pow(x[i * D + j] * aT / aEps, 2);
            double logPrior = -0.5 * D * Math.Log(2 * Math.PI * SigmaMax * SigmaMax) - r2 / (2 * SigmaMax * SigmaMax);
            total += -(logPrior + D * Math.Log(aT / aEps)) / (D * Math.Log(2));
        }
        return total / n;
    }

    [TestMethod]
    [DataRow(DivergenceEstimator.Exact)]
    [DataRow(DivergenceEstimator.HutchinsonRademacher)]
    public void MatchesTheClosedFormForAGaussian(DivergenceEstimator estimator)
    {
        var sde = new VeSde(SigmaMin, SigmaMax);
        var exact = new GaussianMixtureScore(new[] { 1.0 }, new[] { new double[D] }, new[] { S0 });
        var random = new Random(2);
        var x = Enumerable.Range(0, 40 * D).Select(_ => (float)(S0 * (random.NextDouble() * 2 - 1))).ToArray();
        var result = BitsPerDimension.Compute(exact.AsScoreFunction(sde), sde, new FeatureMatrix(x, D, "test"),
            new LikelihoodOptions { Divergence = estimator, BatchSize = 16 });
        // A linear velocity makes Rademacher probes exact too (p^T c I p = c D).
        Assert.AreEqual(Expected(x, sde.SamplingEpsilon), result.Mean, 2e-4);
        Assert.IsGreaterThan(3, result.SolverSteps);
    }

    [TestMethod]
    public void BitsOffsetIsAdded()
    {
        var sde = new VeSde(SigmaMin, SigmaMax);
        var exact = new GaussianMixtureScore(new[] { 1.0 }, new[] { new double[D] }, new[] { S0 });
        var data = new FeatureMatrix(new float[] { 0.1f, 0.2f, 0.3f, -1, 0, 1 }, D, "test");
        var plain = BitsPerDimension.Compute(exact.AsScoreFunction(sde), sde, data);
        var shifted = BitsPerDimension.Compute(exact.AsScoreFunction(sde), sde, data, new LikelihoodOptions { BitsOffset = 8 });
        Assert.AreEqual(plain.Mean + 8, shifted.Mean, 1e-9);
    }
}

[TestClass]
public sealed class TrainedModelLikelihoodTests
{
    [TestMethod]
    public void TrainedScoreModelGivesNearTheTrueBitsPerDimension()
    {
        // The shared two-Gaussian set: classes at (-2, 0) and (2, 0), std 0.6, equally likely and well apart, so its NLL is
        // about ln 2 + ln(2 pi 0.36) + 1 = 2.51 nats per point, 1.81 bits per dimension.
        var model = ScoreML.Tests.Classification.TwoGaussians.ScoreModel.Model;
        var points = ScoreML.Tests.Classification.TwoGaussians.Points.Take(2 * 200).ToArray();
        var options = new LikelihoodOptions { RelativeTolerance = 1e-4, AbsoluteTolerance = 1e-4 };
        var result = BitsPerDimension.Compute(model, new FeatureMatrix(points, 2, "train"), options);
        Assert.AreEqual(1.81, result.Mean, 0.35, $"bits/dim {result.Mean} ± {result.StandardError}");
        var far = BitsPerDimension.Compute(model, new FeatureMatrix(points.Select(v => v + 6).ToArray(), 2, "shifted"), options);
        Assert.IsGreaterThan(result.Mean + 2, far.Mean, $"shifted data {far.Mean} vs {result.Mean}");
    }
}
