using static TorchSharp.torch;

namespace ScoreML.Tests.Sde;

[TestClass]
public sealed class SdeMarginalTests
{
    public static IEnumerable<object[]> Sdes => new[]
    {
        new object[] { "VE", new VeSde(0.01, 5) },
        new object[] { "VP", new VpSde(0.1, 20) },
        new object[] { "sub-VP", new SubVpSde(0.1, 20) },
    };

    [TestMethod]
    public void VeClosedForms()
    {
        var sde = new VeSde(0.01, 50);
        using var t = tensor(new[] { 0.0, 0.3, 1.0 });
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 1.0 }, sde.MeanCoefficient(t).data<double>().ToArray());
        var std = sde.MarginalStd(t).data<double>().ToArray();
        for (int i = 0; i < 3; i++)
            Assert.AreEqual(0.01 * Math.Pow(5000, t[i].item<double>()), std[i], 1e-12 * std[i]);
        Assert.AreEqual(0.3, sde.TimeOf(sde.Sigma(0.3)), 1e-12);
        // g(t)^2 = d sigma^2(t) / dt for the VE SDE.
        double h = 1e-6, tm = 0.4;
        double derivative = (Math.Pow(sde.Sigma(tm + h), 2) - Math.Pow(sde.Sigma(tm - h), 2)) / (2 * h);
        using var tt = tensor(new[] { tm });
        Assert.AreEqual(derivative, Math.Pow(sde.Diffusion(tt).item<double>(), 2), 1e-5 * derivative);
    }

    [TestMethod]
    public void VpAndSubVpClosedForms()
    {
        double bmin = 0.1, bmax = 20;
        var vp = new VpSde(bmin, bmax);
        var sub = new SubVpSde(bmin, bmax);
        foreach (double t in new[] { 0.001, 0.25, 0.5, 1.0 })
        {
            using var tt = tensor(new[] { t });
            double logMean = -0.25 * t * t * (bmax - bmin) - 0.5 * t * bmin;
            Assert.AreEqual(Math.Exp(logMean), vp.MeanCoefficient(tt).item<double>(), 1e-12);
            Assert.AreEqual(Math.Sqrt(1 - Math.Exp(2 * logMean)), vp.MarginalStd(tt).item<double>(), 1e-12);
            Assert.AreEqual(Math.Exp(logMean), sub.MeanCoefficient(tt).item<double>(), 1e-12);
            Assert.AreEqual(1 - Math.Exp(2 * logMean), sub.MarginalStd(tt).item<double>(), 1e-12);
            Assert.AreEqual(Math.Sqrt(bmin + t * (bmax - bmin)), vp.Diffusion(tt).item<double>(), 1e-12);
        }
    }

    /// <summary>
    /// Simulates the forward SDE dx = f dt + g dw from a fixed x0 with fine Euler-Maruyama steps and compares the
    /// particles' mean and std with the closed forms m(t) x0 and std(t). With n particles the standard error of the
    /// mean is std/sqrt(n) and of the std about std/sqrt(2n); we allow 5 of those plus 1% for the time discretisation.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Sdes))]
    public void ForwardSimulationMatchesMarginals(string name, StochasticDifferentialEquation sde)
    {
        using var scope = NewDisposeScope();
        const int particles = 20_000, steps = 1000;
        const double x0 = 2.0;
        using var generator = new Generator(7);
        var x = full(new long[] { particles, 1 }, x0, dtype: ScalarType.Float64);
        double dt = 1.0 / steps;
        var checkpoints = new Dictionary<int, double> { [steps / 4] = 0.25, [steps] = 1.0 };
        for (int i = 0; i < steps; i++)
        {
            var t = full(new long[] { particles }, i * dt, dtype: ScalarType.Float64);
            var noise = randn(new long[] { particles, 1 }, dtype: ScalarType.Float64, generator: generator);
            x = x + sde.Drift(x, t) * dt + sde.Diffusion(t).unsqueeze(1) * Math.Sqrt(dt) * noise;
            if (checkpoints.TryGetValue(i + 1, out double time))
            {
                using var tt = tensor(new[] { time });
                double mean = sde.MeanCoefficient(tt).item<double>() * x0;
                double std = sde.MarginalStd(tt).item<double>();
                double sampleMean = x.mean().item<double>(), sampleStd = x.std().item<double>();
                Assert.AreEqual(mean, sampleMean, 5 * std / Math.Sqrt(particles) + 0.01 * Math.Abs(mean) + 1e-3,
                    $"{name}: mean at t = {time}");
                Assert.AreEqual(std, sampleStd, 5 * std / Math.Sqrt(2.0 * particles) + 0.01 * std, $"{name}: std at t = {time}");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Sdes))]
    public void PerturbAndPriorUseTheMarginals(string name, StochasticDifferentialEquation sde)
    {
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 1, -2, 3, 0.5f }, new long[] { 2, 2 });
        var t = tensor(new float[] { 0.2f, 0.9f });
        var z = tensor(new float[] { 0.3f, -1, 2, 0.1f }, new long[] { 2, 2 });
        var (perturbed, std, mean) = sde.Perturb(x0, t, z);
        var expected = sde.MeanCoefficient(t).unsqueeze(1) * x0 + sde.MarginalStd(t).unsqueeze(1) * z;
        Assert.IsTrue(allclose(perturbed, expected, 1e-5, 1e-6), name);
        Assert.IsTrue(allclose(std.squeeze(1), sde.MarginalStd(t)), name);
        Assert.IsTrue(allclose(mean, sde.MeanCoefficient(t).unsqueeze(1) * x0), name);

        using var generator = new Generator(3);
        var prior = sde.SamplePrior(50_000, 2, generator, CPU);
        Assert.AreEqual(sde.PriorStd, prior.std().item<float>(), 0.02 * sde.PriorStd, name);
        Assert.AreEqual(0, prior.mean().item<float>(), 0.02 * sde.PriorStd, name);
    }

    /// <summary>
    /// SMLD's discretisation on the sampler's grid t_i = 1 - i/(N-1): the noise variances g_i^2 added by the steps
    /// telescope to sigma_max^2 (the first level starts from zero), so the reverse chain undoes the whole forward process.
    /// </summary>
    [TestMethod]
    public void VeDiscretisationAccumulatesTheVarianceOfTheForwardProcess()
    {
        using var scope = NewDisposeScope();
        var sde = new VeSde(0.01, 10);
        const int steps = 500;
        var x = zeros(new long[] { 1, 1 }, dtype: ScalarType.Float64);
        double total = 0;
        for (int i = 0; i < steps; i++)
        {
            var t = tensor(new[] { 1.0 - i / (steps - 1.0) });
            var (f, g) = sde.Discretize(x, t, steps);
            Assert.AreEqual(0, f.abs().sum().item<double>(), "the VE SDE has no drift");
            total += Math.Pow(g.item<double>(), 2);
        }
        Assert.AreEqual(10.0 * 10, total, 1e-9 * total);
    }
}
