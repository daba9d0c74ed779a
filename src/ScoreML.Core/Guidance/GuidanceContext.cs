using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Where a <see cref="GuidanceTerm"/> is evaluated: the points, their times and labels, and what the prior gives there.</summary>
public sealed class GuidanceContext
{
    internal GuidanceContext() { }

    /// <summary>[B, D] points.</summary>
    public required Tensor X { get; init; }

    /// <summary>[B] diffusion times.</summary>
    public required Tensor T { get; init; }

    /// <summary>[B] 0-based classes (Int64), the condition of each row.</summary>
    public required Tensor Labels { get; init; }

    /// <summary>[B] the SDE's marginal std at <see cref="T"/>: the noise level noise-conditional networks take.</summary>
    public required Tensor Sigma { get; init; }

    /// <summary>[B, D] the prior's score at (X, T), to which the term is added: its unconditional score, or for a class-conditional
    /// prior sampled with a classifier-free weight w, (1 + w) s(x, t | y) - w s(x, t).</summary>
    public required Tensor PriorScore { get; init; }

    /// <summary>The prior's SDE.</summary>
    public required StochasticDifferentialEquation Sde { get; init; }
}
