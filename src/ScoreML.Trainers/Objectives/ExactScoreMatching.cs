using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Implicit score matching on perturbed data with the exact Jacobian trace, lambda = std^2:
/// E std^2 [ tr(grad_x s(x')) + |s(x')|^2 / 2 ]. The trace takes one backward pass per dimension.
/// </summary>
public sealed class ExactScoreMatching : ScoreObjective
{
    /// <summary>std^2 [ tr(grad_x s(x')) + |s(x')|^2 / 2 ] for each point, one noise draw per point; D backward passes.</summary>
    public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
    {
        var z = randn(x0.shape, generator: generator, device: x0.device);
        var (perturbed, std, _) = sde.Perturb(x0, t, z);
        var x = perturbed.detach().requires_grad_(true);
        var score = network.forward(x, std.squeeze(1));
        var trace = JacobianTrace(score, x);
        var lambda = std.squeeze(1).square();
        return lambda * (trace + 0.5 * score.square().sum(1));
    }

    /// <summary>sum_j d s_j / d x_j per row, keeping the graph so the loss can be backpropagated.</summary>
    public static Tensor JacobianTrace(Tensor score, Tensor x) => Numerics.JacobianTrace.Exact(score, x, createGraph: true);
}
