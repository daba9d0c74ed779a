using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Where a <see cref="GuidanceTerm"/> is evaluated: the points, their times and labels, and what the prior gives there.</summary>
public sealed class GuidanceContext
{
    internal GuidanceContext(Tensor x, Tensor t, Tensor labels, Tensor sigma, Tensor priorScore, StochasticDifferentialEquation sde)
    {
        X = x;
        T = t;
        Labels = labels;
        Sigma = sigma;
        PriorScore = priorScore;
        Sde = sde;
    }

    /// <summary>[B, D] points.</summary>
    public Tensor X { get; }

    /// <summary>[B] diffusion times.</summary>
    public Tensor T { get; }

    /// <summary>[B] 0-based classes (Int64), the condition of each row.</summary>
    public Tensor Labels { get; }

    /// <summary>[B] the SDE's marginal std at <see cref="T"/>: the noise level noise-conditional networks take.</summary>
    public Tensor Sigma { get; }

    /// <summary>[B, D] the prior's score at (X, T), to which the term is added (e.g. for classifier-free guidance).</summary>
    public Tensor PriorScore { get; }

    /// <summary>The prior's SDE.</summary>
    public StochasticDifferentialEquation Sde { get; }
}
