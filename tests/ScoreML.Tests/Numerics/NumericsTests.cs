using ScoreML.Numerics;
using static TorchSharp.torch;

namespace ScoreML.Tests.Numerics;

/// <summary>The shared numerics against closed forms: a linear field's trace, Hutchinson's estimate of it, and e^t from the RK45 solver.</summary>
[TestClass]
public sealed class NumericsTests
{
    // f(x) = x A^T for a fixed A: its Jacobian is A at every x, with trace 0.5 + 2 - 1 = 1.5.
    static readonly double[] Matrix = { 0.5, 0.3, -0.2, 0.1, 2.0, 0.4, -0.7, 0.6, -1.0 };

    static (Tensor Output, Tensor Input) Linear()
    {
        var a = tensor(Matrix, new long[] { 3, 3 }, dtype: ScalarType.Float64);
        var x = randn(new long[] { 4, 3 }, dtype: ScalarType.Float64, generator: new Generator(2)).requires_grad_(true);
        return (x.matmul(a.t()), x);
    }

    [TestMethod]
    public void TheExactTraceOfALinearFieldIsItsMatrixTrace()
    {
        using var scope = NewDisposeScope();
        var (output, input) = Linear();
        var trace = JacobianTrace.Exact(output, input, createGraph: false).data<double>().ToArray();
        foreach (double value in trace) Assert.AreEqual(1.5, value, 1e-12);
    }

    [TestMethod]
    public void HutchinsonsEstimateAveragesToTheTrace()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        double sum = 0;
        const int draws = 2000;
        for (int i = 0; i < draws; i++)
        {
            var (output, input) = Linear();
            var probe = HutchinsonEstimator.Probes(DivergenceEstimator.HutchinsonRademacher, new long[] { 4, 3 }, generator, ScalarType.Float64);
            Assert.IsTrue((probe.abs() == 1).all().item<bool>(), "Rademacher probes are +-1");
            sum += HutchinsonEstimator.Trace(output, input, probe).mean().item<double>();
        }
        Assert.AreEqual(1.5, sum / draws, 0.05);
    }

    [TestMethod]
    public void DormandPrinceIntegratesExponentialGrowth()
    {
        using var scope = NewDisposeScope();
        var (state, steps) = DormandPrince.Integrate((y, _) => y, ones(2, 1, dtype: ScalarType.Float64), 0, 1, 1e-8, 1e-8, 1000, "Growth", "MaxSteps");
        foreach (double value in state.data<double>().ToArray()) Assert.AreEqual(Math.E, value, 1e-6);
        Assert.IsGreaterThan(1, steps.Min());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => DormandPrince.Integrate((y, _) => y, ones(1, 1, dtype: ScalarType.Float64), 0, 1, 1e-8, 1e-8, 2, "Growth", "Options.MaxSteps"));
        StringAssert.Contains(e.Message, "Growth needed more than 2 steps");
        StringAssert.Contains(e.Message, "Options.MaxSteps");
    }

    /// <summary>Rows of different stiffness get their own step sizes, and a row's result does not depend on its batch: dy/dt = -k y
    /// integrated backwards in time (as the samplers do) equals exp(k) per row, alone or batched.</summary>
    [TestMethod]
    public void DormandPrinceSizesStepsPerRowInEitherDirection()
    {
        using var scope = NewDisposeScope();
        var rates = tensor(new[] { 0.5, 8.0, 2.0 }, dtype: ScalarType.Float64);
        Tensor Decay(Tensor y, Tensor t) => -rates.unsqueeze(1) * y;
        var (state, steps) = DormandPrince.Integrate(Decay, ones(3, 1, dtype: ScalarType.Float64), 1, 0, 1e-9, 1e-9, 10_000, "Decay", "MaxSteps");
        var values = state.data<double>().ToArray();
        for (int i = 0; i < 3; i++) Assert.AreEqual(Math.Exp(rates[i].item<double>()), values[i], 1e-6 * values[i]);
        Assert.IsGreaterThan(steps[0], steps[1], "the stiffer row takes more steps");
        for (int i = 0; i < 3; i++)
        {
            var rate = rates[i].item<double>();
            Tensor Alone(Tensor y, Tensor t) => -rate * y;
            var (single, _) = DormandPrince.Integrate(Alone, ones(1, 1, dtype: ScalarType.Float64), 1, 0, 1e-9, 1e-9, 10_000, "Decay", "MaxSteps");
            Assert.AreEqual(values[i], single.item<double>(), "a row alone gives what it gives in the batch");
        }
    }
}
