using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A forward noising SDE dx = f(x,t) dt + g(t) dw on t in [0, 1] with a Gaussian perturbation kernel
/// p_t(x | x0) = N(m(t) x0, std(t)^2 I), as in Song et al. 2021 (score_sde). Every tensor method takes a
/// batch of times <c>t</c> of shape [B] and returns per-row values; <c>x</c> is [B, D].
/// </summary>
public abstract class StochasticDifferentialEquation
{
    /// <summary>The end time of the forward process (always 1).</summary>
    public double T => 1.0;

    /// <summary>The smallest time samplers integrate to (score_sde: 1e-5 for VE, 1e-3 for VP and sub-VP).</summary>
    public abstract double SamplingEpsilon { get; }

    /// <summary>m(t): the factor on x0 in the marginal mean.</summary>
    public abstract Tensor MeanCoefficient(Tensor t);

    /// <summary>std(t): the marginal standard deviation. The score network is conditioned on it.</summary>
    public abstract Tensor MarginalStd(Tensor t);

    /// <summary>f(x, t).</summary>
    public abstract Tensor Drift(Tensor x, Tensor t);

    /// <summary>g(t), shape [B].</summary>
    public abstract Tensor Diffusion(Tensor t);

    /// <summary>The prior standard deviation: samples start from N(0, PriorStd^2 I).</summary>
    public abstract double PriorStd { get; }

    /// <summary>
    /// One step of the discretised forward process with N steps: x_{i+1} = x_i + f_i + G_i z.
    /// The default is Euler-Maruyama; VE and VP override it with the discretisations of score_sde
    /// (SMLD and DDPM) that the reverse-diffusion predictor relies on.
    /// </summary>
    public virtual (Tensor F, Tensor G) Discretize(Tensor x, Tensor t, int steps) => EulerMaruyamaStep(x, t, steps);

    /// <summary>f dt and g sqrt(dt) with dt = 1/N.</summary>
    protected (Tensor F, Tensor G) EulerMaruyamaStep(Tensor x, Tensor t, int steps)
    {
        double dt = T / steps;
        return (Drift(x, t) * dt, Diffusion(t) * Math.Sqrt(dt));
    }

    /// <summary>The alpha_i of the Langevin corrector's step size (1 for VE, 1 - beta_i for VP).</summary>
    public virtual Tensor LangevinAlpha(Tensor t, int steps) => ones_like(t);

    /// <summary>The probability-flow ODE's velocity f(x, t) - g(t)^2 s / 2 for a score s at (x, t).</summary>
    public Tensor ProbabilityFlowVelocity(Tensor x, Tensor t, Tensor score)
    {
        var g = Diffusion(t).unsqueeze(1);
        return Drift(x, t) - 0.5 * g.square() * score;
    }

    /// <summary>log N(x; 0, PriorStd^2 I) per row, [B]: the prior's log-density.</summary>
    public Tensor PriorLogDensity(Tensor x)
    {
        long d = x.shape[1];
        double variance = PriorStd * PriorStd;
        return -0.5 * d * Math.Log(2 * Math.PI * variance) - x.square().sum(1) / (2 * variance);
    }

    /// <summary>x ~ N(0, PriorStd^2 I) with the given generator.</summary>
    public Tensor SamplePrior(long count, long dimension, Generator generator, Device device) =>
        randn(new[] { count, dimension }, generator: generator, device: device) * PriorStd;

    /// <summary>Perturbs clean data: returns m(t) x0 + std(t) z together with std(t) as a column [B, 1].</summary>
    public (Tensor Perturbed, Tensor Std, Tensor Mean) Perturb(Tensor x0, Tensor t, Tensor z)
    {
        var mean = MeanCoefficient(t).unsqueeze(1) * x0;
        var std = MarginalStd(t).unsqueeze(1);
        return (mean + std * z, std, mean);
    }

    /// <summary>
    /// m(t) for a scalar t: the factor on x0 in the marginal mean. With <see cref="Sigma"/> it gives every SDE the form
    /// x_t = m(t) (x0 + sigma(t) z) that EDM-style solvers (DDIM, Heun, DPM-Solver++) work in.
    /// </summary>
    public virtual double Scale(double t) => Scalar(t, MeanCoefficient);

    /// <summary>
    /// sigma(t) = std(t) / m(t) for a scalar t: the noise level of the scaled state x_t / m(t) = x0 + sigma(t) z (for VE it is
    /// the marginal std itself). It must increase with t for the sigma-based samplers; <see cref="TimeOf"/> inverts it.
    /// </summary>
    public virtual double Sigma(double t) => Scalar(t, MarginalStd) / Scale(t);

    /// <summary>
    /// The time t in [0, T] at which <see cref="Sigma"/> equals <paramref name="sigma"/> (0 for sigma 0). The built-in SDEs invert
    /// sigma(t) in closed form; this default, for an SDE of your own, bisects (sigma(t) must increase with t).
    /// </summary>
    public virtual double TimeOf(double sigma)
    {
        if (!(sigma >= 0) || double.IsPositiveInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "A noise level must be finite and not negative.");
        if (sigma == 0) return 0;
        double low = 0, high = T;
        if (!(Sigma(high) >= sigma)) return T;
        for (int i = 0; i < 200 && high - low > 1e-15; i++)
        {
            double middle = 0.5 * (low + high);
            if (Sigma(middle) < sigma) low = middle; else high = middle;
        }
        return 0.5 * (low + high);
    }

    /// <summary>A per-row method evaluated at one time, in float64.</summary>
    static double Scalar(double t, Func<Tensor, Tensor> method)
    {
        using var scope = NewDisposeScope();
        return method(tensor(new[] { t }, dtype: ScalarType.Float64)).item<double>();
    }

    /// <summary>
    /// Index of t in a grid of N discrete levels. score_sde truncates <c>(t * (N - 1) / T).long()</c>, which maps a grid
    /// time that rounding left a hair below its level to the level beneath, skipping one; we round to the nearest.
    /// </summary>
    protected static Tensor TimestepIndex(Tensor t, int steps) => (t * (steps - 1)).round().to(ScalarType.Int64).clamp(0, steps - 1);
}
