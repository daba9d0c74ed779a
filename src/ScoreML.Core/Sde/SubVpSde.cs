using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Sub-VP SDE: the VP drift with g = sqrt(beta(t) (1 - exp(-2 b0 t - (b1 - b0) t^2))) and
/// std = 1 - m(t)^2 (no square root), which bounds its variance by the VP one.
/// It uses the generic Euler-Maruyama discretisation and the VP Langevin alphas.
/// </summary>
public sealed class SubVpSde : VpSde
{
    /// <param name="betaMin">beta(0), positive.</param>
    /// <param name="betaMax">beta(1), above <paramref name="betaMin"/>.</param>
    public SubVpSde(double betaMin, double betaMax) : base(betaMin, betaMax) { }

    /// <summary>std(t) = 1 - m(t)^2.</summary>
    public override Tensor MarginalStd(Tensor t) => -expm1(2 * LogMeanCoefficient(t));

    /// <summary>g(t) = sqrt(beta(t) (1 - exp(-2 b0 t - (b1 - b0) t^2))), shape [B].</summary>
    public override Tensor Diffusion(Tensor t) =>
        sqrt(Beta(t) * -expm1(-2 * BetaMin * t - (BetaMax - BetaMin) * t.square()));

    /// <summary>sigma = std / m = (1 - m^2) / m = 2 sinh(-log m).</summary>
    public override double Sigma(double t) => 2 * Math.Sinh(NegativeLogScale(t));

    /// <summary>-log m = asinh(sigma / 2), then the quadratic in t.</summary>
    public override double TimeOf(double sigma) => sigma == 0 ? 0 : TimeOfNegativeLogScale(Math.Asinh(0.5 * sigma));

    /// <summary>The generic Euler-Maruyama step (f dt, g sqrt(dt)), not the VP SDE's DDPM discretisation.</summary>
    public override (Tensor F, Tensor G) Discretize(Tensor x, Tensor t, int steps) => EulerMaruyamaStep(x, t, steps);
}
