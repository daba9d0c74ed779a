using static TorchSharp.torch;

namespace ScoreML.Tests.Extending;

// What a user writes to extend ScoreML (the examples of docs/extending.md): a sampler, a predictor, a corrector and a
// guidance term, each with a setting that a saved model must keep. The Unregistered* subclasses are the same types that
// no test registers, for the refusals.

/// <summary>Euler's method on the probability-flow ODE, a first-order cousin of the built-in Heun sampler.</summary>
[ScoreMLComponent("ScoreML.Tests.TinyEuler")]
public class TinyEulerSampler : Sampler
{
    public int Steps { get; set; } = 20;

    public override Tensor Sample(SamplingContext context)
    {
        using var noGrad = no_grad();
        var sde = context.Sde;
        double h = (context.Epsilon - sde.T) / Steps;
        var x = context.SamplePrior();
        for (int i = 0; i < Steps; i++)
        {
            using var scope = NewDisposeScope();
            var t = context.Times(sde.T + h * i);
            var next = x + h * sde.ProbabilityFlowVelocity(x, t, context.Score(x, t));
            context.RequireFinite(i, Steps, next, (x, t));
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
            context.Observe(i, x);
        }
        return x;
    }
}

public sealed class UnregisteredTinyEulerSampler : TinyEulerSampler { }

/// <summary>Euler-Maruyama on the reverse SDE written against the extension point; at NoiseScale 1 it is the built-in one.</summary>
[ScoreMLComponent("ScoreML.Tests.UserEulerMaruyama")]
public class UserEulerMaruyamaPredictor : Predictor
{
    /// <summary>Multiplies the step's noise (1: the reverse SDE; 0: its deterministic drift).</summary>
    public double NoiseScale { get; set; } = 1;

    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        double dt = -context.Sde.T / context.Options.Steps;
        var g = context.Sde.Diffusion(t).unsqueeze(1);
        var mean = x + (context.Sde.Drift(x, t) - g.square() * context.Score(x, t)) * dt;
        return (mean + g * Math.Sqrt(-dt) * NoiseScale * context.Noise(x), mean);
    }
}

public sealed class UnregisteredUserEulerMaruyamaPredictor : UserEulerMaruyamaPredictor { }

/// <summary>A Langevin step of fixed size: x + StepSize s + sqrt(2 StepSize) z.</summary>
[ScoreMLComponent("ScoreML.Tests.FixedStepLangevin")]
public class FixedStepLangevinCorrector : Corrector
{
    public double StepSize { get; set; } = 1e-4;

    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        var mean = x + StepSize * context.Score(x, t);
        return (mean + Math.Sqrt(2 * StepSize) * context.Noise(x), mean);
    }
}

public sealed class UnregisteredFixedStepLangevinCorrector : FixedStepLangevinCorrector { }

/// <summary>
/// Pulls class c towards the point (c == 0 ? -Separation : Separation, 0): the score of N(m(t) centre, sigma^2 I) relative to
/// the origin's, weighted, so the term stays on the scale of a score at every noise level.
/// </summary>
[ScoreMLComponent("ScoreML.Tests.ClassCentres")]
public class ClassCentreGuidance : GuidanceTerm
{
    public double Separation { get; set; } = 2;
    public double Weight { get; set; } = 1;

    public override Tensor Evaluate(GuidanceContext context)
    {
        var side = context.Labels.to(ScalarType.Float32) * 2 - 1;                        // class 0: -1, class 1: +1
        var centres = stack(new[] { side * Separation, zeros_like(side) }, 1).to(context.X.device);
        var mean = context.Sde.MeanCoefficient(context.T).unsqueeze(1) * centres;
        return Weight * mean / context.Sigma.square().unsqueeze(1);
    }
}

public sealed class UnregisteredClassCentreGuidance : ClassCentreGuidance { }
