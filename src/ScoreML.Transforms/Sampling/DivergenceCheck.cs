using System.Globalization;
using static TorchSharp.torch;

namespace ScoreML.Transforms.Sampling;

/// <summary>
/// Refuses a sampler state that is no longer finite, at the first step where it happens. The check is one isfinite().all()
/// reduction over the [rows, dimension] state per step: one pass over memory the step has just written, cheap beside the
/// step's network evaluations (and on the CPU reading its result costs no device synchronisation). Checking every step
/// rather than only the batch's result names the step at which sampling broke down, and lets the diagnosis look at the
/// finite states the step evaluated the score at: if the score is not finite there, the score model is at fault, else the
/// step rule. The diagnosis costs extra score evaluations only once, when the sampler has already failed.
/// </summary>
internal sealed class DivergenceCheck
{
    readonly SamplerKind kind;
    readonly SamplerOptions options;
    readonly ScoreFunction score;
    readonly StochasticDifferentialEquation sde;
    readonly int steps;

    /// <param name="steps">The steps of the run, for the message.</param>
    public DivergenceCheck(SamplerKind kind, SamplerOptions options, ScoreFunction score, StochasticDifferentialEquation sde, int steps)
    {
        this.kind = kind;
        this.options = options;
        this.score = score;
        this.sde = sde;
        this.steps = steps;
    }

    /// <summary>Throws <see cref="SamplerDivergedException"/> unless <paramref name="state"/>, the result of step
    /// <paramref name="step"/>, is finite. <paramref name="scoreInputs"/> are states and times the step evaluated the score at,
    /// starting with the previous (finite) state.</summary>
    public void After(int step, Tensor state, params (Tensor X, Tensor T)[] scoreInputs)
    {
        using (var scope = NewDisposeScope())
            if (state.isfinite().all().item<bool>()) return;
        bool scoreFinite = scoreInputs.All(input =>
        {
            using var scope = NewDisposeScope();
            return !input.X.isfinite().all().item<bool>() || score(input.X, input.T).isfinite().all().item<bool>();
        });
        string where = step < steps ? $"step {step} (counting from 0) of {steps}" : $"the final denoising step, after {steps} steps";
        string start = $"The {kind} sampler's state became non-finite (NaN or infinite) at {where}. ";
        if (!scoreFinite)
            throw new SamplerDivergedException(kind, step, null, start + "The score function itself returned non-finite values for a finite " +
                "state of that step, so the score model is most likely at fault (a diverged training run, or inputs on a scale it " +
                "was not trained for), not a sampler option.");
        var (option, advice) = Suspect();
        throw new SamplerDivergedException(kind, step, option, start + "The score function was finite there, so the steps are most " +
            "likely too large for this score: " + advice);
    }

    /// <summary>The option that sets the step that blew up, and what to do about it.</summary>
    (string Option, string Advice) Suspect()
    {
        string stepCount = options.Steps.ToString(CultureInfo.InvariantCulture);
        string eps = OptionChecks.Format(options.Epsilon ?? sde.SamplingEpsilon);
        switch (kind)
        {
            case SamplerKind.PredictorCorrector when options.Corrector == CorrectorKind.Langevin && options.CorrectorSteps > 0:
                return ("Sampler.Snr", $"Sampler.Snr ({OptionChecks.Format(options.Snr)}) sets the Langevin corrector's step " +
                    "2 alpha (Snr |z| / |score|)^2, which explodes where the score is small; lower Snr, or set Sampler.CorrectorSteps to 0. " +
                    $"If the corrector is not the cause, Sampler.Steps ({stepCount}) is too few for the predictor.");
            case SamplerKind.PredictorCorrector:
                return ("Sampler.Steps", $"Sampler.Steps ({stepCount}) is too few: each predictor step is too long for this score; raise it.");
            case SamplerKind.AnnealedLangevin:
                string stable = sde is VeSde ve ? $" ({OptionChecks.Format(2 * ve.SigmaMin * ve.SigmaMin)} for this model)" : "";
                return ("Sampler.StepSize", $"Sampler.StepSize ({OptionChecks.Format(options.StepSize)}) is too large: it is the Langevin " +
                    $"step at the smallest noise level, and steps above about 2 SigmaMin^2{stable} diverge; lower it.");
            default:
                return ("Sampler.Steps", $"Sampler.Steps ({stepCount}) is too few for Heun's method on this score (the probability-flow ODE " +
                    $"is stiffest near its final time); raise Steps, or raise Sampler.Epsilon ({eps}) to stop further from t = 0.");
        }
    }
}
