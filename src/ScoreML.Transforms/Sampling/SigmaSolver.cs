using static TorchSharp.torch;

namespace ScoreML.Transforms.Sampling;

/// <summary>One step of a sigma-based solver: the scaled state at level <c>sigma</c> (step <c>index</c>) to level <c>next</c>.</summary>
internal delegate Tensor SigmaStep(Tensor scaled, int index, double sigma, double next);

/// <summary>
/// The loop every sigma-based sampler shares, so that each solver is only its step rule: the schedule, the prior draw in scaled
/// coordinates, a dispose scope per step, the divergence check and the step reports (in the model's coordinates, x = m x-hat).
/// </summary>
internal static class SigmaSolver
{
    /// <summary>The number of steps: <see cref="SamplerOptions.Steps"/>, or as many as fit in <see cref="SamplerOptions.Evaluations"/>
    /// when it is set, for a solver that spends <paramref name="perStep"/> evaluations a step and <paramref name="final"/> on
    /// its last step (to sigma = 0).</summary>
    public static int Steps(SamplerOptions options, int perStep, int final) =>
        options.Evaluations is int budget ? Math.Max(1, 1 + (budget - final) / perStep) : options.Steps;

    /// <summary>The noise levels: N from sigma(T) to sigma(epsilon), then 0; the schedule is the option's, else <paramref name="defaultSchedule"/>.</summary>
    public static double[] Levels(SamplingContext context, int steps, SigmaScheduleKind defaultSchedule) =>
        SigmaSchedule.Levels(context.Options.SigmaSchedule ?? defaultSchedule, context.Sde, context.Epsilon, steps, context.Options.Rho);

    /// <summary>Runs <paramref name="step"/> over <paramref name="levels"/> from the prior; returns the sample at sigma = 0.</summary>
    public static Tensor Run(SamplingContext context, double[] levels, SigmaStep step)
    {
        using var noGrad = no_grad();
        var denoiser = context.Denoiser;
        int n = levels.Length - 1;
        var x = denoiser.SamplePrior();
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var next = step(x, i, levels[i], levels[i + 1]);
            var (input, t, _) = denoiser.ScoreInput(x, levels[i]);
            context.RequireFinite(i, n, next, (input, t));
            next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
            if (context.Options.StepObserver is not null)
                context.Observe(i, denoiser.Unscale(x, levels[i + 1]));
        }
        return x;   // at sigma = 0, where m = 1: the sample itself
    }

    /// <summary>What a sigma-based sampler that diverged most likely needs: more steps.</summary>
    public static (string Option, string Advice) TooFewSteps(SamplingContext context, int steps) =>
        context.Options.Evaluations is int budget
            ? ("Sampler.Evaluations", $"Sampler.Evaluations ({budget}, {steps} steps) is too few for this score: each step is too long; raise it.")
            : ("Sampler.Steps", $"Sampler.Steps ({steps}) is too few for this score: each step is too long; raise it.");
}
