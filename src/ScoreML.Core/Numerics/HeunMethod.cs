using static TorchSharp.torch;

namespace ScoreML.Numerics;

/// <summary>
/// One step of Heun's method (the explicit trapezoidal rule, second order) for dx/dt = f(x, t): an Euler prediction, then
/// the mean of the slopes at both ends. The fixed-step integrator of the probability-flow ODE sampler; the adaptive one is
/// <see cref="DormandPrince"/>.
/// </summary>
internal static class HeunMethod
{
    /// <param name="f">The right-hand side at a state and a time (a [B] tensor of that time).</param>
    /// <param name="times">Makes the [B] time tensor f is evaluated at.</param>
    /// <param name="x">The state at time <paramref name="t"/>.</param>
    /// <param name="t">The time of the step's start.</param>
    /// <param name="h">The step in time (negative to integrate backwards).</param>
    /// <returns>The state at t + h, and the two (state, time) pairs f was evaluated at (for diagnostics).</returns>
    public static (Tensor Next, (Tensor X, Tensor T) Start, (Tensor X, Tensor T) Predicted) Step(Func<Tensor, Tensor, Tensor> f,
        Func<double, Tensor> times, Tensor x, double t, double h)
    {
        var t0 = times(t);
        var t1 = times(t + h);
        var d0 = f(x, t0);
        var predicted = x + h * d0;
        var d1 = f(predicted, t1);
        return (x + h / 2 * (d0 + d1), (x, t0), (predicted, t1));
    }
}
