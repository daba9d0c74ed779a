using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML.Tests.Sampling;

/// <summary>
/// A sampler never hands back NaN: the first step whose state is not finite throws <see cref="SamplerDivergedException"/>,
/// which names the sampler, that step (the one after the last step a <see cref="SamplerOptions.StepObserver"/> saw) and what is
/// most likely at fault: the score model when the score itself is not finite at the last finite state, else the option that
/// sets the step size.
/// </summary>
[TestClass]
public sealed class SamplerDivergenceTests
{
    static readonly VeSde Ve = new(0.01, 5);
    static readonly ScoreFunction Mixture =
        new GaussianMixtureScore(new[] { 0.5, 0.5 }, new[] { new[] { -2.0, 0.0 }, new[] { 2.0, 0.0 } }, new[] { 0.3, 0.3 }).AsScoreFunction(Ve);

    static SamplerOptions Small(SamplerKind kind) => new() { Kind = kind, Steps = 20, NoiseLevels = 5, StepsPerLevel = 4 };

    /// <summary>
    /// Samples 6 rows of 2 values with an observer; returns the exception and the number of steps the observer saw, all of which
    /// must have been finite. The same run without an observer must fail at the same step with the same message.
    /// </summary>
    static (SamplerDivergedException Error, int Observed) Diverge(ScoreFunction score, SamplerOptions options)
    {
        using var scope = NewDisposeScope();
        int observed = 0;
        bool allFinite = true;
        var watched = options.Clone();
        watched.StepObserver = (step, x) =>
        {
            Assert.AreEqual(observed, step, "steps are observed in order");
            observed++;
            allFinite &= x.isfinite().all().item<bool>();
        };
        using var generator = new Generator(3);
        var error = Assert.ThrowsExactly<SamplerDivergedException>(() => Sampler.Sample(score, Ve, 6, 2, watched, generator, CPU));
        Assert.IsTrue(allFinite, "the observer sees only finite states");

        var plain = options.Clone();
        plain.StepObserver = null;
        using var again = new Generator(3);
        var unobserved = Assert.ThrowsExactly<SamplerDivergedException>(() => Sampler.Sample(score, Ve, 6, 2, plain, again, CPU));
        Assert.AreEqual(error.Message, unobserved.Message, "the step reported does not depend on an observer");
        return (error, observed);
    }

    [TestMethod]
    [DataRow(SamplerKind.PredictorCorrector)]
    [DataRow(SamplerKind.ProbabilityFlowOde)]
    [DataRow(SamplerKind.AnnealedLangevin)]
    public void AScoreThatTurnsNaNIsBlamedAtTheStepItHappens(SamplerKind kind)
    {
        // The exact score down to t = 0.5, NaN below: a model that is broken at small noise levels.
        ScoreFunction broken = (x, t) =>
        {
            var s = Mixture(x, t);
            return where((t < 0.5).unsqueeze(1), full_like(s, double.NaN), s);
        };
        var (error, observed) = Diverge(broken, Small(kind));
        Assert.AreEqual(kind, error.Kind);
        Assert.IsGreaterThan(0, observed, "the steps above t = 0.5 ran");
        Assert.AreEqual(observed, error.Step, "the first step not observed is the one reported");
        Assert.IsNull(error.SuspectOption, "no sampler option explains a NaN score");
        StringAssert.Contains(error.Message, $"The {kind} sampler");
        StringAssert.Contains(error.Message, $"step {error.Step} ");
        StringAssert.Contains(error.Message, "score model is most likely at fault");
    }

    [TestMethod]
    [DataRow(SamplerKind.PredictorCorrector, "zero", "Sampler.Snr")]
    [DataRow(SamplerKind.PredictorCorrector, "constant", "Sampler.Steps")]
    [DataRow(SamplerKind.ProbabilityFlowOde, "constant", "Sampler.Steps")]
    [DataRow(SamplerKind.AnnealedLangevin, "exact", "Sampler.StepSize")]
    public void StepsTooLargeForAFiniteScoreNameTheOption(SamplerKind kind, string scoreKind, string option)
    {
        var options = Small(kind);
        ScoreFunction score = scoreKind switch
        {
            // A network whose output layer starts at zero: with batch-mean norms the Langevin corrector's step (Snr |z| / |s|)^2
            // is infinite (the per-row step does not depend on the score: ZeroScoreDoesNotBlowUpThePerRowCorrector).
            "zero" => (x, t) => zeros_like(x),
            // Finite but near float32's largest value: one step of the SDE or ODE over it leaves the float range.
            "constant" => (x, t) => full_like(x, 1e38),
            // The exact score with the largest StepSize the options allow: its Langevin steps grow the state 5000-fold each.
            _ => Mixture,
        };
        if (scoreKind == "constant") options.Corrector = CorrectorKind.None;
        if (scoreKind == "zero") options.CorrectorBatchMeanNorms = true;
        if (kind == SamplerKind.AnnealedLangevin)
        {
            options.StepSize = SamplerOptions.MaxStepSize;
            options.NoiseLevels = 2;
            options.StepsPerLevel = 30;
        }
        var (error, observed) = Diverge(score, options);
        Assert.AreEqual(kind, error.Kind);
        Assert.AreEqual(observed, error.Step);
        Assert.AreEqual(option, error.SuspectOption);
        StringAssert.Contains(error.Message, $"The {kind} sampler");
        StringAssert.Contains(error.Message, "The score function was finite there");
        StringAssert.Contains(error.Message, option);
    }

    [TestMethod]
    public void ZeroScoreDoesNotBlowUpThePerRowCorrector()
    {
        // The per-row step 2 alpha Snr^2 sigma_t^2 does not divide by the score's norm: a zero score leaves pure Langevin
        // noise of at most the marginal's size, which stays finite where batch-mean norms diverged.
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var samples = Sampler.Sample((x, t) => zeros_like(x), Ve, 6, 2, Small(SamplerKind.PredictorCorrector), generator, CPU);
        Assert.IsTrue(samples.isfinite().all().item<bool>());
        Assert.IsLessThan(10 * Ve.SigmaMax, samples.abs().max().item<float>());
    }

    [TestMethod]
    [DataRow(PredictorKind.ReverseDiffusion, CorrectorKind.None)]
    [DataRow(PredictorKind.EulerMaruyama, CorrectorKind.Langevin)]
    public void AVpModelNeedsMoreStepsThanBetaMax(PredictorKind predictor, CorrectorKind corrector)
    {
        var vp = new VpSde(0.1, 20);
        var score = new GaussianMixtureScore(new[] { 1.0 }, new[] { new[] { 1.0, -1.0 } }, new[] { 0.5 }).AsScoreFunction(vp);
        var options = new SamplerOptions { Steps = 10, Predictor = predictor, Corrector = corrector };
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Sampler.Sample(score, vp, 4, 2, options, generator, CPU));
        Assert.AreEqual(nameof(SamplerOptions.Steps), error.ParamName);
        StringAssert.Contains(error.Message, "Sampler.Steps must be above");
        StringAssert.Contains(error.Message, "BetaMax (20)");

        // Just above BetaMax the same sampler runs and its samples are finite.
        options.Steps = (int)vp.BetaMax + 1;
        var samples = Sampler.Sample(score, vp, 4, 2, options, generator, CPU);
        Assert.IsTrue(samples.isfinite().all().item<bool>());
    }

    [TestMethod]
    public void TheConditionalSamplerRefusesRatherThanReturningNaNRows()
    {
        ConditionalScoreFunction broken = (x, t, labels) => full_like(x, double.NaN);
        using var sampler = new ConditionalSamplingTransformer(broken, Ve, 2, new LabelKeys(2), CPU,
            new ConditionalSamplerOptions { Sampler = Small(SamplerKind.ProbabilityFlowOde) });
        var error = Assert.ThrowsExactly<SamplerDivergedException>(() => sampler.Generate(new[] { 0, 1, 1 }));
        Assert.AreEqual(0, error.Step, "the score is NaN from the first step");
        Assert.AreEqual(SamplerKind.ProbabilityFlowOde, error.Kind);
    }

    [TestMethod]
    public void AHugeBatchSizeGeneratesTheSameSamplesAsOneBatchOfTheRequest()
    {
        const int count = 5;
        using var model = new ScoreModel(new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 8 } }, seed: 1), Ve, CPU);
        var options = new SamplerOptions { Steps = 5, BatchSize = count, Seed = 7 };
        var oneBatch = new ScoreModelTransformer(model, options).Generate(count);
        options.BatchSize = int.MaxValue;   // count + BatchSize - 1 overflowed an int, which made no batches: all zeros
        var huge = new ScoreModelTransformer(model, options).Generate(count);
        Assert.IsTrue(oneBatch.All(float.IsFinite));
        CollectionAssert.AreEqual(oneBatch, huge);
    }
}
