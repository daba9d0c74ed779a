using static TorchSharp.torch;

namespace ScoreML.Transforms.Sampling;

/// <summary>
/// Refuses a sampler state that is no longer finite, at the first step where it happens. The check is one isfinite().all()
/// reduction over the [rows, dimension] state per step: one pass over memory the step has just written, cheap beside the
/// step's network evaluations (and on the CPU reading its result costs no device synchronisation). Checking every step
/// rather than only the batch's result names the step at which sampling broke down, and lets the diagnosis look at the
/// finite states the step evaluated the score at: if the score is not finite there, the score model is at fault, else the
/// step rule, and the sampler names the option that sets it (<see cref="Sampler.DivergenceSuspect"/>). The diagnosis costs
/// extra score evaluations only once, when the sampler has already failed.
/// </summary>
internal static class DivergenceCheck
{
    /// <summary>Throws <see cref="SamplerDivergedException"/> unless <paramref name="state"/>, the result of step
    /// <paramref name="step"/> of <paramref name="steps"/>, is finite. <paramref name="scoreInputs"/> are states and times the
    /// step evaluated the score at, starting with the previous (finite) state.</summary>
    public static void After(SamplingContext context, int step, int steps, Tensor state, (Tensor X, Tensor T)[] scoreInputs)
    {
        using (var scope = NewDisposeScope())
            if (state.isfinite().all().item<bool>()) return;
        bool scoreFinite = scoreInputs.All(input =>
        {
            using var scope = NewDisposeScope();
            return !input.X.isfinite().all().item<bool>() || context.Score(input.X, input.T).isfinite().all().item<bool>();
        });
        var sampler = context.Sampler;
        string where = step < steps ? $"step {step} (counting from 0) of {steps}" : $"the final denoising step, after {steps} steps";
        string start = $"The {sampler.Name} sampler's state became non-finite (NaN or infinite) at {where}. ";
        if (!scoreFinite)
            throw new SamplerDivergedException(sampler.Kind, step, null, start + "The score function itself returned non-finite values for a finite " +
                "state of that step, so the score model is most likely at fault (a diverged training run, or inputs on a scale it " +
                "was not trained for), not a sampler option.");
        var (option, advice) = sampler.DivergenceSuspect(context);
        throw new SamplerDivergedException(sampler.Kind, step, option, start + "The score function was finite there, so the steps are most " +
            "likely too large for this score: " + advice);
    }
}
