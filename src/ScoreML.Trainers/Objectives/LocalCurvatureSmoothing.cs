using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// LCSS (Osada et al.): with one draw x' ~ N(m x0, std^2 I) per point, Stein's identity turns the Jacobian trace
/// into s(x')^T (x' - m x0) / std^2, so the loss is E std^2 [ s(x')^T (x' - m x0) / std^2 + gamma |s(x')|^2 / 2 ]
/// = E [ std s^T z + gamma std^2 |s|^2 / 2 ]. No Jacobian, no projection. gamma = 1 is the plain objective;
/// other values weight the norm term against the Stein term (the paper's ablation).
/// </summary>
public sealed class LocalCurvatureSmoothing : ScoreObjective
{
    readonly double gamma;

    /// <param name="gamma">The weight of |s|^2 / 2 against the Stein term; 1 is the plain objective
    /// (<see cref="ScoreModelOptions.LcssGamma"/>: in [0.01, 100]; not checked here).</param>
    public LocalCurvatureSmoothing(double gamma) => this.gamma = gamma;

    /// <summary>std s(x')^T z + gamma std^2 |s(x')|^2 / 2 for each point, one draw x' = m x0 + std z per point.</summary>
    public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
    {
        var z = randn(x0.shape, generator: generator, device: x0.device);
        var (perturbed, std, _) = sde.Perturb(x0, t, z);
        var score = network.forward(perturbed, std.squeeze(1));
        return SteinLoss(score, z, std, gamma);
    }

    /// <summary>Per-point std^2 [ s^T (std z) / std^2 + gamma |s|^2 / 2 ], for scores s at x' = m x0 + std z.</summary>
    public static Tensor SteinLoss(Tensor score, Tensor z, Tensor std, double gamma) =>
        (score * z).sum(1) * std.squeeze(1) + gamma * 0.5 * std.squeeze(1).square() * score.square().sum(1);
}
