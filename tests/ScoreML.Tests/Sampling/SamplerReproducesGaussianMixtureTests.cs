using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML.Tests.Sampling;

/// <summary>
/// Each sampler, driven by the exact perturbed score of a known Gaussian mixture, must reproduce the mixture's
/// mean, covariance and component weights. With n samples the standard error of a mean is sd/sqrt(n) and of a
/// covariance entry at most about sd_i sd_j sqrt(2/n) (more for the heavy-tailed mixture, hence the factor 6);
/// the rest of each tolerance covers the samplers' time discretisation.
/// </summary>
[TestClass]
public sealed class SamplerReproducesGaussianMixtureTests
{
    const int Samples = 4000;
    static readonly double[] Weights = { 0.5, 0.3, 0.2 };
    static readonly double[][] Means = { new[] { -2.0, 0.0 }, new[] { 2.0, 1.0 }, new[] { 0.0, -3.0 } };
    static readonly double[] Stds = { 0.5, 0.7, 0.4 };

    [TestMethod]
    [DataRow("VE", SamplerKind.PredictorCorrector, PredictorKind.ReverseDiffusion)]
    [DataRow("VE", SamplerKind.PredictorCorrector, PredictorKind.EulerMaruyama)]
    [DataRow("VP", SamplerKind.PredictorCorrector, PredictorKind.ReverseDiffusion)]
    [DataRow("sub-VP", SamplerKind.PredictorCorrector, PredictorKind.EulerMaruyama)]
    [DataRow("VE", SamplerKind.ProbabilityFlowOde, PredictorKind.ReverseDiffusion)]
    [DataRow("VP", SamplerKind.ProbabilityFlowOde, PredictorKind.ReverseDiffusion)]
    [DataRow("VE", SamplerKind.AnnealedLangevin, PredictorKind.ReverseDiffusion)]
    // The fast samplers at 50 network evaluations (the predictor is unused by them).
    [DataRow("VE", SamplerKind.Ddim, PredictorKind.None)]
    [DataRow("VP", SamplerKind.Ddim, PredictorKind.None)]
    [DataRow("sub-VP", SamplerKind.Ddim, PredictorKind.None)]
    [DataRow("VE", SamplerKind.Heun, PredictorKind.None)]
    [DataRow("VP", SamplerKind.Heun, PredictorKind.None)]
    [DataRow("sub-VP", SamplerKind.Heun, PredictorKind.None)]
    [DataRow("VE", SamplerKind.DpmSolver2M, PredictorKind.None)]
    [DataRow("VP", SamplerKind.DpmSolver2M, PredictorKind.None)]
    [DataRow("sub-VP", SamplerKind.DpmSolver2M, PredictorKind.None)]
    [DataRow("VE", SamplerKind.DpmSolver3S, PredictorKind.None)]
    [DataRow("VP", SamplerKind.DpmSolver3S, PredictorKind.None)]
    [DataRow("sub-VP", SamplerKind.DpmSolver3S, PredictorKind.None)]
    [DataRow("VE", SamplerKind.AdaptiveOde, PredictorKind.None)]
    [DataRow("VP", SamplerKind.AdaptiveOde, PredictorKind.None)]
    [DataRow("sub-VP", SamplerKind.AdaptiveOde, PredictorKind.None)]
    public void SamplesHaveTheMixturesMomentsAndWeights(string sdeName, SamplerKind kind, PredictorKind predictor)
    {
        using var scope = NewDisposeScope();
        StochasticDifferentialEquation sde = sdeName switch
        {
            "VE" => new VeSde(0.01, 10),
            "VP" => new VpSde(0.1, 20),
            _ => new SubVpSde(0.1, 20),
        };
        var mixture = new GaussianMixtureScore(Weights, Means, Stds);
        var options = new SamplerOptions
        {
            Kind = kind, Predictor = predictor, Steps = kind == SamplerKind.ProbabilityFlowOde ? 200 : 500,
            NoiseLevels = 20, StepsPerLevel = 50, StepSize = 1e-4,
            Evaluations = kind is SamplerKind.Ddim or SamplerKind.Heun or SamplerKind.DpmSolver2M or SamplerKind.DpmSolver3S ? 50 : null,
        };
        using var generator = new Generator(11);
        var samples = Sampler.Sample(mixture.AsScoreFunction(sde), sde, Samples, 2, options, generator, CPU).to(ScalarType.Float64);
        Assert.IsTrue(samples.isfinite().all().item<bool>(), "samples must be finite");

        double[] mean = mixture.Mean();
        double[,] cov = mixture.Covariance();
        var sampleMean = samples.mean(new long[] { 0 });
        var centred = samples - sampleMean;
        var sampleCov = centred.t().matmul(centred) / (Samples - 1);
        for (int i = 0; i < 2; i++)
        {
            double sd = Math.Sqrt(cov[i, i]);
            Assert.AreEqual(mean[i], sampleMean[i].item<double>(), 5 * sd / Math.Sqrt(Samples) + 0.03, $"mean[{i}]");
            for (int j = 0; j < 2; j++)
            {
                double scale = Math.Sqrt(cov[i, i] * cov[j, j]);
                Assert.AreEqual(cov[i, j], sampleCov[i, j].item<double>(), 6 * scale * Math.Sqrt(2.0 / Samples) + 0.05 * scale, $"cov[{i},{j}]");
            }
        }

        // The share of samples nearest to each component mean: the mixture's weights (the components barely overlap).
        var centres = tensor(Means.SelectMany(m => m).ToArray(), new long[] { 3, 2 });
        var nearest = cdist(samples, centres).argmin(1);
        for (int k = 0; k < 3; k++)
        {
            double share = (nearest == k).sum().item<long>() / (double)Samples;
            Assert.AreEqual(Weights[k], share, 0.04, $"weight of component {k}");
        }
    }

    [TestMethod]
    public void AnnealedLangevinRefusesAVpModel()
    {
        var sde = new VpSde(0.1, 20);
        var mixture = new GaussianMixtureScore(Weights, Means, Stds);
        using var generator = new Generator(1);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            Sampler.Sample(mixture.AsScoreFunction(sde), sde, 10, 2, new SamplerOptions { Kind = SamplerKind.AnnealedLangevin }, generator, CPU));
        StringAssert.Contains(error.Message, "variance-exploding");
    }

    [TestMethod]
    public void TheSameGeneratorSeedGivesTheSameSamples()
    {
        var sde = new VeSde(0.01, 10);
        var score = new GaussianMixtureScore(Weights, Means, Stds).AsScoreFunction(sde);
        var options = new SamplerOptions { Steps = 50 };
        float[] Draw(ulong seed)
        {
            using var generator = new Generator(seed);
            using var samples = Sampler.Sample(score, sde, 100, 2, options, generator, CPU);
            return samples.data<float>().ToArray();
        }
        CollectionAssert.AreEqual(Draw(3), Draw(3));
        CollectionAssert.AreNotEqual(Draw(3), Draw(4));
    }
}
