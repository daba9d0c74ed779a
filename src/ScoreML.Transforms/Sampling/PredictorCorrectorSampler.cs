using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The predictor-corrector sampler of score_sde: x from the prior, t = linspace(T, eps, N); at each t
/// <see cref="SamplerOptions.CorrectorSteps"/> corrector steps then a predictor step; returns the last x_mean (the noise-free
/// final step). The predictor and corrector are <see cref="SamplerOptions.CustomPredictor"/> and
/// <see cref="SamplerOptions.CustomCorrector"/> when set, else those <see cref="SamplerOptions.Predictor"/> and
/// <see cref="SamplerOptions.Corrector"/> name. <see cref="SamplerKind.PredictorCorrector"/>.
/// </summary>
public sealed class PredictorCorrectorSampler : Sampler
{
    /// <summary>"PredictorCorrector".</summary>
    public override string Name => nameof(SamplerKind.PredictorCorrector);

    internal override SamplerKind Kind => SamplerKind.PredictorCorrector;

    /// <summary>Runs <see cref="SamplerOptions.Steps"/> steps (or as many as <see cref="SamplerOptions.Evaluations"/> pays for) from a
    /// prior draw; returns the last step's noise-free mean, [Count, Dimension]. For a VP or sub-VP model with the reverse-diffusion
    /// predictor or the Langevin corrector, throws unless Steps is above the SDE's BetaMax.</summary>
    public override Tensor Sample(SamplingContext context)
    {
        using var noGrad = no_grad();
        var options = context.Options;
        var predictor = options.ResolvePredictor();
        var corrector = options.ResolveCorrector();
        var sde = context.Sde;
        int n = options.Steps;
        RequireStepsAboveBetaMax(sde, options, predictor, corrector);
        double eps = context.Epsilon;
        var x = context.SamplePrior();
        var xMean = x.alias();
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            double time = n == 1 ? sde.T : sde.T + (eps - sde.T) * i / (n - 1);
            var t = context.Times(time);
            Tensor current = x.alias(), currentMean = x.alias();
            if (corrector is not null)
                for (int k = 0; k < options.CorrectorSteps; k++)
                    (current, currentMean) = corrector.Step(context, current, t);
            if (predictor is not null)
                (current, currentMean) = predictor.Step(context, current, t);
            // A deterministic step may return one tensor as both: it must not be moved out and disposed twice.
            if (ReferenceEquals(current, currentMean)) currentMean = current.alias();
            context.RequireFinite(i, n, current, (x, t));   // x = x_mean + noise is finite only if x_mean is
            x.Dispose();
            xMean.Dispose();
            x = current.MoveToOuterDisposeScope();
            xMean = currentMean.MoveToOuterDisposeScope();
            context.Observe(i, xMean);
        }
        x.Dispose();
        return xMean;   // the last step without its noise, as score_sde returns with noise removal
    }

    /// <summary>Each step costs one evaluation for the predictor and one per corrector step.</summary>
    internal override SamplerOptions WithBudget(SamplerOptions options)
    {
        if (options.Evaluations is not int budget) return options;
        int perStep = (options.ResolvePredictor() is null ? 0 : 1) + (options.ResolveCorrector() is null ? 0 : options.CorrectorSteps);
        var budgeted = options.Clone();
        budgeted.Steps = Math.Max(1, budget / Math.Max(1, perStep));
        return budgeted;
    }

    /// <summary><see cref="SamplerOptions.Snr"/> when the Langevin corrector uses batch-mean norms (its step can explode), else
    /// <see cref="SamplerOptions.Steps"/>.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context)
    {
        var options = context.Options;
        string stepCount = options.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Only batch-mean norms let the corrector's step explode (where the score is small); the per-row step 2 alpha Snr^2
        // sigma_t^2 is at most 2 sigma_t^2, which no perturbed density is too narrow for.
        if (options.ResolveCorrector() is LangevinCorrector && options.CorrectorSteps > 0 && options.CorrectorBatchMeanNorms)
            return ("Sampler.Snr", $"Sampler.Snr ({OptionChecks.Format(options.Snr)}) sets the Langevin corrector's step " +
                "2 alpha (Snr |z| / |score|)^2 (batch-mean norms), which explodes where the score is small; lower Snr, set " +
                "Sampler.CorrectorBatchMeanNorms to false, or set Sampler.CorrectorSteps to 0. " +
                $"If the corrector is not the cause, Sampler.Steps ({stepCount}) is too few for the predictor.");
        return ("Sampler.Steps", $"Sampler.Steps ({stepCount}) is too few: each predictor step is too long for this score; raise it.");
    }

    /// <summary>
    /// The DDPM discretisation of a VP model has beta_i = beta(t_i) / N up to BetaMax / N: the reverse-diffusion predictor takes
    /// sqrt(1 - beta_i) and the Langevin corrector steps by 1 - beta_i, so with N at or below BetaMax the first steps are NaN
    /// (or wipe the state). Sub-VP uses that discretisation only in the corrector.
    /// </summary>
    static void RequireStepsAboveBetaMax(StochasticDifferentialEquation sde, SamplerOptions options, Predictor? predictor, Corrector? corrector)
    {
        if (sde is not VpSde vp || options.Steps > vp.BetaMax) return;
        bool correctorNeeds = corrector is LangevinCorrector && options.CorrectorSteps > 0;
        bool predictorNeeds = predictor is ReverseDiffusionPredictor && sde is not SubVpSde;
        if (!correctorNeeds && !predictorNeeds) return;
        throw new ArgumentOutOfRangeException(nameof(options.Steps), $"Sampler.Steps must be above the {(sde is SubVpSde ? "sub-VP" : "VP")} " +
            $"SDE's BetaMax ({OptionChecks.Format(vp.BetaMax)}) for the predictor-corrector sampler's " +
            $"{(predictorNeeds ? "reverse-diffusion predictor" : "Langevin corrector")}, whose discrete beta_i = beta(t) / Steps must stay below 1; " +
            $"got {options.Steps}.");
    }

    /// <summary>Runs the predictor-corrector sampler whatever <see cref="SamplerOptions.Kind"/> says.</summary>
    [Obsolete("Set SamplerOptions.Kind to SamplerKind.PredictorCorrector and call Sampler.Sample(score, sde, count, dimension, options, generator, device).")]
    public static new Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device) =>
        Run(new PredictorCorrectorSampler(), score, sde, count, dimension, options, generator, device);

    /// <summary>One reverse-diffusion predictor step on a grid of <paramref name="steps"/> steps, from the first release.</summary>
    [Obsolete("Use new ReverseDiffusionPredictor().Step(context, x, t), or SamplerOptions.Predictor = PredictorKind.ReverseDiffusion.")]
    public static (Tensor X, Tensor Mean) ReverseDiffusionStep(ScoreFunction score, StochasticDifferentialEquation sde,
        Tensor x, Tensor t, int steps, Generator generator) =>
        new ReverseDiffusionPredictor().Step(StepContext(score, sde, x, new SamplerOptions { Steps = steps }, generator), x, t);

    /// <summary>One Euler-Maruyama predictor step on a grid of <paramref name="steps"/> steps, from the first release.</summary>
    [Obsolete("Use new EulerMaruyamaPredictor().Step(context, x, t), or SamplerOptions.Predictor = PredictorKind.EulerMaruyama.")]
    public static (Tensor X, Tensor Mean) EulerMaruyamaStep(ScoreFunction score, StochasticDifferentialEquation sde,
        Tensor x, Tensor t, int steps, Generator generator) =>
        new EulerMaruyamaPredictor().Step(StepContext(score, sde, x, new SamplerOptions { Steps = steps }, generator), x, t);

    /// <summary>One Langevin corrector step with signal-to-noise ratio <paramref name="snr"/> on a grid of <paramref name="steps"/>
    /// steps, from the first release.</summary>
    [Obsolete("Use new LangevinCorrector().Step(context, x, t), or SamplerOptions.Corrector = CorrectorKind.Langevin.")]
    public static (Tensor X, Tensor Mean) LangevinStep(ScoreFunction score, StochasticDifferentialEquation sde,
        Tensor x, Tensor t, int steps, double snr, Generator generator) =>
        new LangevinCorrector().Step(StepContext(score, sde, x, new SamplerOptions { Steps = steps, Snr = snr }, generator), x, t);

    // The context the step methods of the first release were given piece by piece.
    static SamplingContext StepContext(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, SamplerOptions options, Generator generator) =>
        new(new PredictorCorrectorSampler(), score, sde, x.shape[0], x.shape[1], options, generator, x.device);
}
