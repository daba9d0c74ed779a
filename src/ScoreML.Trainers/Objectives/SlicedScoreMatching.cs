using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Sliced score matching, variance-reduced (SSM-VR of Song et al. 2019), on perturbed data with lambda = std^2:
/// E std^2 [ mean_m v_m^T grad_x(v_m^T s(x')) + |s(x')|^2 / 2 ], M projections per point (Hutchinson's estimator).
/// </summary>
public sealed class SlicedScoreMatching : ScoreObjective
{
    readonly int projections;
    readonly ProjectionKind kind;

    /// <param name="projections">M, projections per point (<see cref="ScoreModelOptions.Projections"/>: 1 to
    /// <see cref="ScoreModelOptions.MaxProjections"/>; not checked here).</param>
    /// <param name="kind">The distribution of the projection vectors.</param>
    public SlicedScoreMatching(int projections, ProjectionKind kind)
    {
        this.projections = projections;
        this.kind = kind;
    }

    /// <summary>std^2 times the SSM-VR loss of each point, averaged over its M projections: one noise draw and M projection
    /// vectors per point, and a second-order backward pass through the network.</summary>
    public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
    {
        var z = randn(x0.shape, generator: generator, device: x0.device);
        var (perturbed, std, _) = sde.Perturb(x0, t, z);
        long batch = x0.shape[0], dimension = x0.shape[1];
        // The M copies of each point are evaluated together: [M * B, D].
        var x = perturbed.detach().repeat(projections, 1).requires_grad_(true);
        var sigma = std.squeeze(1).repeat(projections);
        var score = network.forward(x, sigma);
        var v = Projections(new[] { projections * batch, dimension }, kind, generator, x0.device);
        var gradient = autograd.grad(new[] { (score * v).sum() }, new[] { x }, create_graph: true, retain_graph: true)[0];
        var perPoint = (gradient * v).sum(1) + 0.5 * score.square().sum(1);
        return (sigma.square() * perPoint).view(projections, batch).mean(new long[] { 0 });   // average the M projections of each point
    }
}
