using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The probability-flow ODE dx/dt = f(x, t) - g(t)^2 s(x, t) / 2, integrated from t = 1 to eps with N steps of
/// Heun's method (second order; score_sde uses an adaptive RK45, which a fixed-step solver approximates as N grows).
/// </summary>
public static class ProbabilityFlowOdeSampler
{
    public static Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        using var noGrad = no_grad();
        int n = options.Steps;
        double eps = options.Epsilon ?? sde.SamplingEpsilon;
        double h = (eps - sde.T) / n;
        var check = new DivergenceCheck(SamplerKind.ProbabilityFlowOde, options, score, sde, n);
        var x = sde.SamplePrior(count, dimension, generator, device);
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            double time = sde.T + h * i;
            var t0 = full(count, time, device: device);
            var t1 = full(count, time + h, device: device);
            var d0 = Velocity(score, sde, x, t0);
            var predicted = x + h * d0;
            var d1 = Velocity(score, sde, predicted, t1);
            var next = x + h / 2 * (d0 + d1);
            check.After(i, next, (x, t0), (predicted, t1));
            next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
            options.StepObserver?.Invoke(i, x);
        }
        return x;
    }

    /// <summary>The ODE's right-hand side f - g^2 s / 2.</summary>
    public static Tensor Velocity(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, Tensor t) =>
        sde.ProbabilityFlowVelocity(x, t, score(x, t));
}
