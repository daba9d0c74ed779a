using ScoreML.Numerics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The probability-flow ODE dx/dt = f(x, t) - g(t)^2 s(x, t) / 2 from t = T to epsilon with the adaptive Dormand-Prince RK45
/// method, as score_sde's ODE sampler does with scipy's solve_ivp (rtol = atol = 1e-5 there and here:
/// <see cref="SamplerOptions.RelativeTolerance"/>, <see cref="SamplerOptions.AbsoluteTolerance"/>). It is the same integrator the
/// likelihood uses, with a step size per row, so a row's sample and its number of network evaluations do not depend on the
/// rows batched with it. Deterministic given the prior draw; the cost is whatever the tolerance asks (score_sde reports
/// about 100-300 evaluations on CIFAR-10). <see cref="SamplerKind.AdaptiveOde"/>.
/// </summary>
public sealed class AdaptiveOdeSampler : Sampler
{
    /// <summary>The most step attempts a row may take before the run is refused as broken.</summary>
    const int MaxAttempts = SamplerOptions.MaxSteps;

    /// <summary>"AdaptiveOde".</summary>
    public override string Name => nameof(SamplerKind.AdaptiveOde);

    internal override SamplerKind Kind => SamplerKind.AdaptiveOde;

    /// <summary>Integrates the probability-flow ODE from a prior draw at T to <see cref="SamplingContext.Epsilon"/> with RK45,
    /// each row to the tolerances (a row that needs more than <see cref="SamplerOptions.MaxSteps"/> attempts is refused); returns
    /// [Count, Dimension]. A row that turns non-finite throws <see cref="SamplerDivergedException"/>.</summary>
    public override Tensor Sample(SamplingContext context)
    {
        using var noGrad = no_grad();
        var sde = context.Sde;
        var options = context.Options;
        var prior = context.SamplePrior();
        Tensor Velocity(Tensor x, Tensor times)
        {
            var t = times.to(x.dtype);
            return sde.ProbabilityFlowVelocity(x, t, context.Score(x, t));
        }
        var (x, _) = DormandPrince.Integrate(Velocity, prior, sde.T, context.Epsilon, options.RelativeTolerance, options.AbsoluteTolerance,
            MaxAttempts, "The probability-flow ODE", "Sampler.RelativeTolerance or Sampler.AbsoluteTolerance", NonFinite);
        Exception NonFinite(int row, double time)
        {
            using var scope = NewDisposeScope();
            bool scoreFinite = context.Score(prior, context.Times(sde.T)).isfinite().all().item<bool>();
            var (option, advice) = DivergenceSuspect(context);
            return new SamplerDivergedException(Kind, 0, scoreFinite ? option : null, $"The {Name} sampler's state became non-finite " +
                $"(NaN or infinite) for row {row} of its batch at t = {time:G4}. " + (scoreFinite
                    ? "The score was finite at the prior draw, so the steps are most likely too long for this score: " + advice
                    : "The score function itself returned non-finite values at the prior draw, so the score model is most likely at fault."));
        }
        prior.Dispose();
        context.RequireFinite(0, 1, x);
        context.Observe(0, x);
        return x;
    }

    /// <summary>The tolerances: they let the solver take steps too long for the score.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        ("Sampler.RelativeTolerance", $"Sampler.RelativeTolerance ({OptionChecks.Format(context.Options.RelativeTolerance)}) and " +
            $"Sampler.AbsoluteTolerance ({OptionChecks.Format(context.Options.AbsoluteTolerance)}) let the solver take steps too long " +
            "for this score; lower them.");
}
