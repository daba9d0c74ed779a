using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Variance-exploding SDE: sigma(t) = smin (smax/smin)^t, f = 0, g = sigma(t) sqrt(2 ln(smax/smin)).</summary>
public sealed class VeSde : StochasticDifferentialEquation
{
    /// <param name="sigmaMin">The noise std at t = 0, positive.</param>
    /// <param name="sigmaMax">The noise std at t = 1, above <paramref name="sigmaMin"/>.</param>
    public VeSde(double sigmaMin, double sigmaMax)
    {
        if (!(sigmaMin > 0)) throw new ArgumentOutOfRangeException(nameof(sigmaMin), sigmaMin, "SigmaMin must be positive.");
        if (!(sigmaMin < sigmaMax)) throw new ArgumentOutOfRangeException(nameof(sigmaMax), sigmaMax, $"SigmaMin ({sigmaMin}) must be smaller than SigmaMax ({sigmaMax}).");
        SigmaMin = sigmaMin;
        SigmaMax = sigmaMax;
    }

    /// <summary>The noise std at t = 0.</summary>
    public double SigmaMin { get; }
    /// <summary>The noise std at t = 1, and the prior's std.</summary>
    public double SigmaMax { get; }
    /// <summary>1e-5, as score_sde for VE models.</summary>
    public override double SamplingEpsilon => 1e-5;
    /// <summary>SigmaMax: samples start from N(0, SigmaMax^2 I).</summary>
    public override double PriorStd => SigmaMax;

    double LogRatio => Math.Log(SigmaMax / SigmaMin);

    /// <summary>sigma(t) for a scalar t: the marginal std (m(t) = 1).</summary>
    public override double Sigma(double t) => SigmaMin * Math.Pow(SigmaMax / SigmaMin, t);

    /// <summary>m(t) = 1: VE adds noise without shrinking the data.</summary>
    public override double Scale(double t) => 1;

    /// <summary>The time at which the marginal std equals <paramref name="sigma"/>. Levels below SigmaMin map to negative times,
    /// as the formula gives (annealed Langevin and the VE tests rely on the plain inverse); 0 maps to 0.</summary>
    public override double TimeOf(double sigma) => sigma == 0 ? 0 : Math.Log(sigma / SigmaMin) / LogRatio;

    /// <summary>m(t) = 1.</summary>
    public override Tensor MeanCoefficient(Tensor t) => ones_like(t);
    /// <summary>std(t) = smin (smax/smin)^t.</summary>
    public override Tensor MarginalStd(Tensor t) => SigmaMin * exp(t * LogRatio);
    /// <summary>f = 0.</summary>
    public override Tensor Drift(Tensor x, Tensor t) => zeros_like(x);
    /// <summary>g(t) = sigma(t) sqrt(2 ln(smax/smin)), shape [B].</summary>
    public override Tensor Diffusion(Tensor t) => MarginalStd(t) * Math.Sqrt(2 * LogRatio);

    /// <summary>SMLD: f = 0, G_i = sqrt(sigma_i^2 - sigma_{i-1}^2) on the geometric grid of N levels, sigma_{-1} = 0.</summary>
    public override (Tensor F, Tensor G) Discretize(Tensor x, Tensor t, int steps)
    {
        var sigmas = exp(linspace(Math.Log(SigmaMin), Math.Log(SigmaMax), steps, dtype: t.dtype, device: t.device));
        var index = TimestepIndex(t, steps);
        var sigma = sigmas.index_select(0, index);
        var previous = where(index == 0, zeros_like(sigma), sigmas.index_select(0, (index - 1).clamp_min(0)));
        return (zeros_like(x), sqrt(sigma.square() - previous.square()));
    }
}
