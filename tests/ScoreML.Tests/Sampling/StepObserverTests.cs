using ScoreML.Transforms.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Sampling;

[TestClass]
public sealed class StepObserverTests
{
    /// <summary>
    /// Every sampler reports each step once, in order, with the batch's state; the last report is the result (for the PC sampler
    /// its noise-free x_mean), and observing does not change the samples.
    /// </summary>
    [TestMethod]
    [DataRow(SamplerKind.PredictorCorrector, 20)]
    [DataRow(SamplerKind.ProbabilityFlowOde, 20)]
    [DataRow(SamplerKind.AnnealedLangevin, 5 * 4)]
    public void EveryStepIsObservedAndTheSamplesDoNotChange(SamplerKind kind, int expectedSteps)
    {
        var sde = new VeSde(0.01, 5);
        var score = new GaussianMixtureScore(new[] { 0.5, 0.5 }, new[] { new[] { -2.0, 0.0 }, new[] { 2.0, 0.0 } }, new[] { 0.3, 0.3 }).AsScoreFunction(sde);
        var options = new SamplerOptions { Kind = kind, Steps = 20, NoiseLevels = 5, StepsPerLevel = 4 };
        using var scope = NewDisposeScope();
        using var plain = new Generator(5);
        var expected = Sampler.Sample(score, sde, 6, 2, options, plain, CPU);
        var steps = new List<int>();
        Tensor? last = null;
        var observed = options.Clone();
        observed.StepObserver = (step, x) =>
        {
            steps.Add(step);
            last = x.clone().MoveToOuterDisposeScope();
        };
        using var again = new Generator(5);
        var samples = Sampler.Sample(score, sde, 6, 2, observed, again, CPU);
        CollectionAssert.AreEqual(Enumerable.Range(0, expectedSteps).ToArray(), steps.ToArray());
        Assert.IsTrue((samples == expected).all().item<bool>(), "the same samples with and without an observer");
        if (kind != SamplerKind.AnnealedLangevin)   // annealed Langevin ends with a denoising step after the last observed one
            Assert.IsTrue((last! == samples).all().item<bool>(), "the last observed state is the result");
    }
}
