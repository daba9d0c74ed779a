using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>DSM with lambda = std^2: E |s(x', std) std + z|^2 / 2 (score_sde's loss with likelihood weighting off).</summary>
public sealed class DenoisingScoreMatching : ScoreObjective
{
    /// <summary>std^2 |s(x', std) + z / std|^2 / 2 for each point, one noise draw z per point from <paramref name="generator"/>.</summary>
    public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
    {
        var z = randn(x0.shape, generator: generator, device: x0.device);
        var (perturbed, std, _) = sde.Perturb(x0, t, z);
        var score = network.forward(perturbed, std.squeeze(1));
        return (score * std + z).square().sum(1) * 0.5;
    }
}
