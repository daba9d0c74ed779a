using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Variance-preserving SDE: beta(t) = b0 + t (b1 - b0), f = -beta x / 2, g = sqrt(beta),
/// log m(t) = -t^2 (b1 - b0)/4 - t b0/2, std = sqrt(1 - m^2).
/// </summary>
public class VpSde : StochasticDifferentialEquation
{
    /// <param name="betaMin">beta(0), positive.</param>
    /// <param name="betaMax">beta(1), above <paramref name="betaMin"/>.</param>
    public VpSde(double betaMin, double betaMax)
    {
        if (!(betaMin > 0)) throw new ArgumentOutOfRangeException(nameof(betaMin), betaMin, "BetaMin must be positive.");
        if (!(betaMin < betaMax)) throw new ArgumentOutOfRangeException(nameof(betaMax), betaMax, $"BetaMin ({betaMin}) must be smaller than BetaMax ({betaMax}).");
        BetaMin = betaMin;
        BetaMax = betaMax;
    }

    /// <summary>beta(0).</summary>
    public double BetaMin { get; }
    /// <summary>beta(1).</summary>
    public double BetaMax { get; }
    /// <summary>1e-3, as score_sde for VP and sub-VP models.</summary>
    public override double SamplingEpsilon => 1e-3;
    /// <summary>1: samples start from N(0, I).</summary>
    public override double PriorStd => 1.0;

    /// <summary>beta(t) = b0 + t (b1 - b0), per row.</summary>
    protected Tensor Beta(Tensor t) => BetaMin + t * (BetaMax - BetaMin);
    /// <summary>log m(t) = -t^2 (b1 - b0)/4 - t b0/2, per row.</summary>
    protected Tensor LogMeanCoefficient(Tensor t) => -0.25 * t.square() * (BetaMax - BetaMin) - 0.5 * t * BetaMin;

    /// <summary>m(t) = exp(log m(t)).</summary>
    public override Tensor MeanCoefficient(Tensor t) => exp(LogMeanCoefficient(t));
    /// <summary>std(t) = sqrt(1 - m(t)^2).</summary>
    public override Tensor MarginalStd(Tensor t) => sqrt(-expm1(2 * LogMeanCoefficient(t)));
    /// <summary>f(x, t) = -beta(t) x / 2.</summary>
    public override Tensor Drift(Tensor x, Tensor t) => -0.5 * Beta(t).unsqueeze(1) * x;
    /// <summary>g(t) = sqrt(beta(t)), shape [B].</summary>
    public override Tensor Diffusion(Tensor t) => sqrt(Beta(t));

    /// <summary>-log m(t) = t^2 (b1 - b0)/4 + t b0/2 for a scalar t.</summary>
    protected double NegativeLogScale(double t) => 0.25 * t * t * (BetaMax - BetaMin) + 0.5 * t * BetaMin;

    /// <summary>The t &gt;= 0 with -log m(t) = <paramref name="value"/>: the positive root of the quadratic, in the form that
    /// keeps its precision for small values.</summary>
    protected double TimeOfNegativeLogScale(double value) =>
        2 * value / (0.5 * BetaMin + Math.Sqrt(0.25 * BetaMin * BetaMin + (BetaMax - BetaMin) * value));

    /// <summary>m(t) = exp(-t^2 (b1 - b0)/4 - t b0/2) for a scalar t.</summary>
    public override double Scale(double t) => Math.Exp(-NegativeLogScale(t));

    /// <summary>sigma = std / m = sqrt(1/m^2 - 1).</summary>
    public override double Sigma(double t) => Math.Sqrt(double.ExpM1(2 * NegativeLogScale(t)));

    /// <summary>-log m = log(1 + sigma^2) / 2, then the quadratic in t.</summary>
    public override double TimeOf(double sigma) => sigma == 0 ? 0 : TimeOfNegativeLogScale(0.5 * double.LogP1(sigma * sigma));

    /// <summary>DDPM: beta_i = linspace(b0/N, b1/N, N); f = sqrt(1 - beta_i) x - x; G = sqrt(beta_i).</summary>
    public override (Tensor F, Tensor G) Discretize(Tensor x, Tensor t, int steps)
    {
        var beta = DiscreteBeta(t, steps);
        return (sqrt(1 - beta).unsqueeze(1) * x - x, sqrt(beta));
    }

    /// <summary>alpha_i = 1 - beta_i of the DDPM discretisation with N steps (score_sde's Langevin corrector for VP).</summary>
    public override Tensor LangevinAlpha(Tensor t, int steps) => 1 - DiscreteBeta(t, steps);

    Tensor DiscreteBeta(Tensor t, int steps)
    {
        var betas = linspace(BetaMin / steps, BetaMax / steps, steps, dtype: t.dtype, device: t.device);
        return betas.index_select(0, TimestepIndex(t, steps));
    }
}
