using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// What a <see cref="Sampler"/> (and the <see cref="Predictor"/> and <see cref="Corrector"/> steps of the predictor-corrector
/// sampler) draws samples with: the score, the SDE, the batch's size, the generator and device, the options, and the
/// divergence check and step reports that every sampler shares.
/// </summary>
public sealed class SamplingContext
{
    internal SamplingContext(Sampler sampler, ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        Sampler = sampler;
        Score = score;
        Sde = sde;
        Count = count;
        Dimension = dimension;
        Options = options;
        Generator = generator;
        Device = device;
    }

    /// <summary>The sampler that runs (named in errors).</summary>
    public Sampler Sampler { get; }

    /// <summary>The score grad_x log p_t(x) at [Count, Dimension] states and [Count] times.</summary>
    public ScoreFunction Score { get; }

    /// <summary>The SDE the score belongs to: its prior, drift, diffusion and marginals.</summary>
    public StochasticDifferentialEquation Sde { get; }

    /// <summary>Rows in this batch.</summary>
    public long Count { get; }

    /// <summary>Values per row.</summary>
    public long Dimension { get; }

    /// <summary>The sampler options (steps, epsilon, SNR, ...): a sampler of your own may read the ones that apply to it.</summary>
    public SamplerOptions Options { get; }

    /// <summary>The source of every random number, seeded per batch: the same seed gives the same samples.</summary>
    public Generator Generator { get; }

    public Device Device { get; }

    /// <summary>The denoiser view D(x; sigma) of <see cref="Score"/>, on which sigma-based solvers (DDIM, Heun, DPM-Solver++) are
    /// written once for every SDE; a sampler of your own may use it too.</summary>
    public Denoiser Denoiser => denoiser ??= new Denoiser(this);
    Denoiser? denoiser;

    /// <summary>The final time: <see cref="SamplerOptions.Epsilon"/>, or the SDE's sampling epsilon when it is null.</summary>
    public double Epsilon => Options.Epsilon ?? Sde.SamplingEpsilon;

    /// <summary>A [Count, Dimension] draw from the SDE's prior N(0, PriorStd^2 I), where reverse-time samplers start.</summary>
    public Tensor SamplePrior() => Sde.SamplePrior(Count, Dimension, Generator, Device);

    /// <summary>A [Count] tensor holding <paramref name="time"/>, the time argument of <see cref="Score"/>.</summary>
    public Tensor Times(double time) => full(Count, time, device: Device);

    /// <summary>Standard normal noise shaped like <paramref name="like"/>, from <see cref="Generator"/>.</summary>
    public Tensor Noise(Tensor like) => randn(like.shape, generator: Generator, device: like.device);

    /// <summary>
    /// Throws <see cref="SamplerDivergedException"/> unless <paramref name="state"/>, the result of step <paramref name="step"/>
    /// (from 0) of <paramref name="steps"/>, is finite: one reduction per step. <paramref name="scoreInputs"/> are the states
    /// and times the step evaluated the score at, starting with the previous (finite) state; when the state is not finite
    /// the score is evaluated there once more to tell a broken score model from too large a step. A step numbered
    /// <paramref name="steps"/> is a final step after the observed ones (e.g. a denoising step).
    /// </summary>
    public void RequireFinite(int step, int steps, Tensor state, params (Tensor X, Tensor T)[] scoreInputs) =>
        DivergenceCheck.After(this, step, steps, state, scoreInputs);

    /// <summary>Reports <paramref name="state"/> after step <paramref name="step"/> to <see cref="SamplerOptions.StepObserver"/>, if any.</summary>
    public void Observe(int step, Tensor state) => Options.StepObserver?.Invoke(step, state);
}
