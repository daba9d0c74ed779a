using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// FD-SSM (Pang et al. 2020) for a score network, with lambda = std^2: the directional derivative v^T grad(v^T s) v
/// is replaced by the central difference (v^T s(x' + h v) - v^T s(x' - h v)) / (2h), and |s(x')|^2 / 2 by
/// |(s(x' + h v) + s(x' - h v)) / 2|^2 / 2, both accurate to O(h^2). Only forward passes (2 M per point) are
/// needed, no second-order backward pass. The step h is <c>FiniteDifferenceStep</c> times std, so it scales with
/// the noise level the score varies on.
/// </summary>
public sealed class FiniteDifferenceSlicedScoreMatching : ScoreObjective
{
    readonly int projections;
    readonly ProjectionKind kind;
    readonly double relativeStep;

    /// <param name="projections">M, projections per point (<see cref="ScoreModelOptions.Projections"/>: 1 to
    /// <see cref="ScoreModelOptions.MaxProjections"/>; not checked here).</param>
    /// <param name="kind">The distribution of the projection vectors.</param>
    /// <param name="relativeStep">The difference step h as a multiple of std (<see cref="ScoreModelOptions.FiniteDifferenceStep"/>:
    /// in (0, 1]; not checked here).</param>
    public FiniteDifferenceSlicedScoreMatching(int projections, ProjectionKind kind, double relativeStep)
    {
        this.projections = projections;
        this.kind = kind;
        this.relativeStep = relativeStep;
    }

    /// <summary>std^2 times the finite-difference SSM loss of each point, averaged over its M projections: one noise draw and M
    /// projection vectors per point, and one forward pass over all 2 M B shifted points.</summary>
    public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
    {
        var z = randn(x0.shape, generator: generator, device: x0.device);
        var (perturbed, std, _) = sde.Perturb(x0, t, z);
        long batch = x0.shape[0], dimension = x0.shape[1];
        var x = perturbed.repeat(projections, 1);
        var sigma = std.squeeze(1).repeat(projections);
        var v = Projections(new[] { projections * batch, dimension }, kind, generator, x0.device);
        var h = (relativeStep * sigma).unsqueeze(1);
        // One forward pass over [x + h v; x - h v].
        var both = network.forward(cat(new[] { x + h * v, x - h * v }, 0), sigma.repeat(2));
        var plus = both.narrow(0, 0, x.shape[0]);
        var minus = both.narrow(0, x.shape[0], x.shape[0]);
        var directional = ((plus - minus) * v).sum(1) / (2 * h.squeeze(1));
        var centre = 0.5 * (plus + minus);
        var perPoint = directional + 0.5 * centre.square().sum(1);
        return (sigma.square() * perPoint).view(projections, batch).mean(new long[] { 0 });   // average the M projections of each point
    }
}
