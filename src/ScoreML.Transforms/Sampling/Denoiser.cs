using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The denoiser view D(x; sigma) of a score model, on which the sigma-based samplers (DDIM, Heun, DPM-Solver++) are written
/// once for every SDE. Any of the SDEs has marginals x_t = m(t) (x0 + sigma(t) z) (<see cref="StochasticDifferentialEquation.Scale"/>,
/// <see cref="StochasticDifferentialEquation.Sigma"/>), so in the scaled state x-hat = x_t / m(t) it is a variance-exploding
/// process with noise level sigma, and Tweedie's formula gives the posterior mean of the clean data:
/// D(x-hat; sigma) = x-hat + sigma^2 m(t) s(m(t) x-hat, t) with t = t(sigma). This is Karras et al. 2022's change of variables;
/// the probability-flow ODE becomes dx-hat / dsigma = (x-hat - D) / sigma. A guided score (classifier guidance, DLSM) gives a guided
/// denoiser, so every sigma-based sampler samples conditionally without a line of its own.
/// </summary>
public sealed class Denoiser
{
    readonly SamplingContext context;

    internal Denoiser(SamplingContext context) => this.context = context;

    /// <summary>sigma(T): where sampling starts.</summary>
    public double SigmaMax => context.Sde.Sigma(context.Sde.T);

    /// <summary>sigma(epsilon): the smallest noise level the score model was trained on, the last level before the final
    /// step to 0.</summary>
    public double SigmaMin => context.Sde.Sigma(context.Epsilon);

    /// <summary>D(x-hat; sigma) for a scaled state [Count, Dimension] at noise level <paramref name="sigma"/> &gt; 0: one score evaluation.</summary>
    public Tensor Denoise(Tensor scaled, double sigma)
    {
        var (x, t, scale) = ScoreInput(scaled, sigma);
        double used = context.Sde.Sigma(FloatTime(sigma));
        return scaled + (used * used * scale) * context.Score(x, t);
    }

    /// <summary>The prior draw in scaled coordinates: x_T / m(T), the SDE's prior divided by its scale at T.</summary>
    public Tensor SamplePrior() => context.SamplePrior() / context.Sde.Scale(context.Sde.T);

    /// <summary>The state x = m(t(sigma)) x-hat that the score model sees (the sample itself at sigma = 0).</summary>
    public Tensor Unscale(Tensor scaled, double sigma) => scaled * context.Sde.Scale(context.Sde.TimeOf(sigma));

    /// <summary>The score's arguments at a scaled state: x = m(t) x-hat and the [Count] times t = t(sigma), with m(t).</summary>
    internal (Tensor X, Tensor T, double Scale) ScoreInput(Tensor scaled, double sigma)
    {
        double time = FloatTime(sigma);
        double scale = context.Sde.Scale(time);
        return (scaled * scale, context.Times(time), scale);
    }

    /// <summary>
    /// t(sigma) as the score receives it: rounded to the float32 of <see cref="SamplingContext.Times"/>. The scale and the sigma
    /// in Tweedie's formula are taken at that rounded time, so D is exactly the denoiser at the level the score was asked
    /// about; mixing sigma^2 at the exact level with a score at the rounded one makes an error of order 1e-7 sigma |x|, which
    /// at sigma(T) = 100s is far above the solvers' own error.
    /// </summary>
    double FloatTime(double sigma) => (float)context.Sde.TimeOf(sigma);
}
