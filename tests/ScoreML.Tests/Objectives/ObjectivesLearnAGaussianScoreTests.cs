using Microsoft.ML;
using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Tests.Objectives;

/// <summary>
/// Every objective, trained through the public estimator on samples of a correlated 2-D Gaussian N(mu, Sigma),
/// must learn the perturbed score -(Sigma + sigma^2 I)^-1 (x - mu) (with the sample mean and covariance, so
/// that the data's own sampling error is not counted). Measured at several noise levels on points drawn from
/// the perturbed distribution, as the relative squared error E|s_theta - s|^2 / E|s|^2. Measured: 0.002-0.006 for every
/// objective (an untrained network is near 1); the bound is 0.02.
/// </summary>
[TestClass]
public sealed class ObjectivesLearnAGaussianScoreTests
{
    public TestContext TestContext { get; set; } = null!;

    static readonly double[] Mean = { 1.0, -0.5 };
    static readonly double[,] Cholesky = { { 1.0, 0 }, { 0.6, 0.66 } };   // Sigma = [[1, 0.6], [0.6, 0.8]]

    [TestMethod]
    [DataRow(Objective.Dsm)]
    [DataRow(Objective.Lcss)]
    [DataRow(Objective.Ssm)]
    [DataRow(Objective.FdSsm)]
    [DataRow(Objective.Exact)]
    public void LearnsThePerturbedScore(Objective objective)
    {
        var ml = new MLContext(1);
        float[] values = TestData.Gaussian(4000, Mean, Cholesky, seed: 3);
        var options = new ScoreModelOptions
        {
            Objective = objective,
            Steps = 1500,
            BatchSize = 256,
            LearningRate = 3e-3,
            EmaDecay = 0.99,
            Seed = 2,
            Mlp = new MlpOptions { HiddenSizes = new[] { 64, 64 } },
            Sde = new SdeOptions { SigmaMin = 0.05, SigmaMax = 4 },
        };
        using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(TestData.Vectors(ml, values, 2));

        using var scope = NewDisposeScope();
        var data = tensor(values, new long[] { 4000, 2 }).to(ScalarType.Float64);
        var mu = data.mean(new long[] { 0 });
        var centred = data - mu;
        var sigmaData = centred.t().matmul(centred) / 3999;
        using var generator = new Generator(17);
        foreach (double sigma in new[] { 0.2, 0.5, 1.0, 2.0 })
        {
            var covariance = sigmaData + sigma * sigma * eye(2, dtype: ScalarType.Float64);
            var x = mu + randn(new long[] { 2000, 2 }, dtype: ScalarType.Float64, generator: generator).matmul(linalg.cholesky(covariance).t());
            var expected = -linalg.solve(covariance, (x - mu).t()).t();
            var learned = model.Model.Network.forward(x.to(ScalarType.Float32), full(new long[] { 2000 }, (float)sigma)).to(ScalarType.Float64);
            double relative = (learned - expected).square().sum(1).mean().item<double>() / expected.square().sum(1).mean().item<double>();
            TestContext.WriteLine($"{objective} sigma {sigma}: relative squared error {relative:F4}");
            Assert.IsLessThan(0.02, relative, $"{objective} at sigma {sigma}: relative squared error {relative:F4}");
        }
    }
}
