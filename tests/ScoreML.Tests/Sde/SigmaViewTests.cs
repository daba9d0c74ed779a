using static TorchSharp.torch;

namespace ScoreML.Tests.Sde;

/// <summary>
/// The sigma view every SDE gives the sigma-based samplers: x_t = m(t) (x0 + sigma(t) z) with m = MeanCoefficient and
/// sigma = MarginalStd / m. The built-ins' closed forms must agree with the tensor marginals and invert exactly; an SDE of
/// one's own gets both from the default implementation (bisection), checked here against the closed forms.
/// </summary>
[TestClass]
public sealed class SigmaViewTests
{
    public static IEnumerable<object[]> Sdes => SdeMarginalTests.Sdes;

    [TestMethod]
    [DynamicData(nameof(Sdes))]
    public void SigmaAndScaleAgreeWithTheMarginalsAndTimeOfInvertsSigma(string name, StochasticDifferentialEquation sde)
    {
        foreach (double t in new[] { 1e-5, 1e-3, 0.1, 0.5, 0.9, 1.0 })
        {
            using var scope = NewDisposeScope();
            var tt = tensor(new[] { t }, dtype: ScalarType.Float64);
            double m = sde.MeanCoefficient(tt).item<double>(), std = sde.MarginalStd(tt).item<double>();
            Assert.AreEqual(m, sde.Scale(t), 1e-12 * m, $"{name}: m({t})");
            Assert.AreEqual(std / m, sde.Sigma(t), 1e-9 * std / m, $"{name}: sigma({t})");
            Assert.AreEqual(t, sde.TimeOf(sde.Sigma(t)), 1e-9 + 1e-9 * t, $"{name}: t(sigma({t}))");
        }
        Assert.AreEqual(0.0, sde.TimeOf(0), $"{name}: sigma 0 is t = 0");
        Assert.IsGreaterThan(sde.Sigma(0.5), sde.Sigma(0.6), $"{name}: sigma increases with t");
    }

    /// <summary>An SDE that only defines the tensor marginals (as a user's own would) gets sigma, m and their inverse by default.</summary>
    [TestMethod]
    [DynamicData(nameof(Sdes))]
    public void TheDefaultSigmaViewOfAnSdeOfYourOwnMatchesTheClosedForms(string name, StochasticDifferentialEquation sde)
    {
        var own = new MarginalsOnly(sde);
        foreach (double t in new[] { 1e-3, 0.2, 0.7, 1.0 })
        {
            Assert.AreEqual(sde.Scale(t), own.Scale(t), 1e-12, $"{name}: m({t})");
            Assert.AreEqual(sde.Sigma(t), own.Sigma(t), 1e-9 * sde.Sigma(t), $"{name}: sigma({t})");
            Assert.AreEqual(t, own.TimeOf(sde.Sigma(t)), 1e-9, $"{name}: t(sigma)");
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => own.TimeOf(-1));
    }

    /// <summary>A sigma-based sampler refuses an SDE whose sigma(t) does not increase, naming the cause, before any evaluation.</summary>
    [TestMethod]
    public void ASigmaBasedSamplerRefusesAnSdeWhoseNoiseLevelDoesNotIncrease()
    {
        var sde = new Shrinking();
        int evaluations = 0;
        ScoreFunction score = (x, t) => { evaluations++; return -x; };
        using var generator = new Generator(1);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            Sampler.Sample(score, sde, 4, 2, new SamplerOptions { Kind = SamplerKind.Heun, Steps = 5 }, generator, CPU));
        StringAssert.Contains(error.Message, "must increase");
        Assert.AreEqual(0, evaluations);
    }

    /// <summary>Forwards the tensor members only, so the sigma view comes from the base class's defaults.</summary>
    sealed class MarginalsOnly(StochasticDifferentialEquation inner) : StochasticDifferentialEquation
    {
        public override double SamplingEpsilon => inner.SamplingEpsilon;
        public override double PriorStd => inner.PriorStd;
        public override Tensor MeanCoefficient(Tensor t) => inner.MeanCoefficient(t);
        public override Tensor MarginalStd(Tensor t) => inner.MarginalStd(t);
        public override Tensor Drift(Tensor x, Tensor t) => inner.Drift(x, t);
        public override Tensor Diffusion(Tensor t) => inner.Diffusion(t);
    }

    /// <summary>A (nonsensical) SDE whose noise level falls with time.</summary>
    sealed class Shrinking : StochasticDifferentialEquation
    {
        public override double SamplingEpsilon => 1e-3;
        public override double PriorStd => 1;
        public override Tensor MeanCoefficient(Tensor t) => ones_like(t);
        public override Tensor MarginalStd(Tensor t) => 2 - t;
        public override Tensor Drift(Tensor x, Tensor t) => zeros_like(x);
        public override Tensor Diffusion(Tensor t) => ones_like(t);
    }
}
