using ScoreML.Numerics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The probability-flow ODE dx/dt = f(x, t) - g(t)^2 s(x, t) / 2, integrated from t = T to eps with N steps of
/// Heun's method (second order; score_sde uses an adaptive RK45, which a fixed-step solver approximates as N grows).
/// <see cref="SamplerKind.ProbabilityFlowOde"/>.
/// </summary>
public sealed class ProbabilityFlowOdeSampler : Sampler
{
    /// <summary>"ProbabilityFlowOde".</summary>
    public override string Name => nameof(SamplerKind.ProbabilityFlowOde);

    internal override SamplerKind Kind => SamplerKind.ProbabilityFlowOde;

    /// <summary>Integrates from a prior draw at T to <see cref="SamplingContext.Epsilon"/> in <see cref="SamplerOptions.Steps"/> Heun
    /// steps (or half <see cref="SamplerOptions.Evaluations"/>); returns [Count, Dimension].</summary>
    public override Tensor Sample(SamplingContext context)
    {
        using var noGrad = no_grad();
        var sde = context.Sde;
        int n = context.Options.Steps;
        double h = (context.Epsilon - sde.T) / n;
        var x = context.SamplePrior();
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var (next, start, predicted) = HeunMethod.Step((y, t) => VelocityOf(context.Score, sde, y, t), context.Times, x, sde.T + h * i, h);
            context.RequireFinite(i, n, next, start, predicted);
            next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
            context.Observe(i, x);
        }
        return x;
    }

    /// <summary>Heun's method costs two evaluations a step.</summary>
    internal override SamplerOptions WithBudget(SamplerOptions options)
    {
        if (options.Evaluations is not int budget) return options;
        var budgeted = options.Clone();
        budgeted.Steps = Math.Max(1, budget / 2);
        return budgeted;
    }

    /// <summary><see cref="SamplerOptions.Steps"/>, too few for Heun's method on this score (or <see cref="SamplerOptions.Epsilon"/>
    /// too close to 0).</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        ("Sampler.Steps", $"Sampler.Steps ({context.Options.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture)}) is too few for " +
            "Heun's method on this score (the probability-flow ODE is stiffest near its final time); raise Steps, or raise " +
            $"Sampler.Epsilon ({OptionChecks.Format(context.Epsilon)}) to stop further from t = 0.");

    static Tensor VelocityOf(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, Tensor t) =>
        sde.ProbabilityFlowVelocity(x, t, score(x, t));

    /// <summary>Runs the probability-flow ODE sampler whatever <see cref="SamplerOptions.Kind"/> says.</summary>
    [Obsolete("Set SamplerOptions.Kind to SamplerKind.ProbabilityFlowOde and call Sampler.Sample(score, sde, count, dimension, options, generator, device).")]
    public static new Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device) =>
        Run(new ProbabilityFlowOdeSampler(), score, sde, count, dimension, options, generator, device);

    /// <summary>The ODE's right-hand side f - g^2 s / 2.</summary>
    [Obsolete("Use sde.ProbabilityFlowVelocity(x, t, score(x, t)).")]
    public static Tensor Velocity(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, Tensor t) => VelocityOf(score, sde, x, t);
}
