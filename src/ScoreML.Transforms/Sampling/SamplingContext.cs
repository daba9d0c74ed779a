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
    /// <param name="sampler">The sampler that runs (named in errors).</param>
    /// <param name="score">The score at states and times.</param>
    /// <param name="sde">The SDE the score belongs to.</param>
    /// <param name="count">Rows in the batch.</param>
    /// <param name="dimension">Values per row.</param>
    /// <param name="options">The sampler options, already checked.</param>
    /// <param name="generator">The batch's generator, for draws that are not per row.</param>
    /// <param name="device">The device the samples are made on.</param>
    /// <param name="rowKeys">The keys of the rows' own noise streams, one per row (<see cref="SamplerSeeds"/>).</param>
    internal SamplingContext(Sampler sampler, ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device, ulong[] rowKeys)
    {
        if (rowKeys.LongLength != count)
            throw new ArgumentException($"{rowKeys.LongLength} row keys for a batch of {count} rows.", nameof(rowKeys));
        Sampler = sampler;
        Score = score;
        Sde = sde;
        Count = count;
        Dimension = dimension;
        Options = options;
        Generator = generator;
        Device = device;
        this.rowKeys = rowKeys;
    }

    /// <summary>A context whose rows' keys come from <paramref name="generator"/> (<see cref="SamplerSeeds.FromGenerator"/>), for callers that have only a generator.</summary>
    internal SamplingContext(Sampler sampler, ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
        : this(sampler, score, sde, count, dimension, options, generator, device, SamplerSeeds.FromGenerator(generator, count, device))
    {
    }

    // Each row's noise stream, and how many values of it every row has drawn so far in this run. A context serves one batch's
    // run on one thread, so the position needs no lock.
    readonly ulong[] rowKeys;
    ulong position;

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

    /// <summary>
    /// A torch generator seeded per batch (from the sampler seed and the batch's place), for a sampler of your own that wants
    /// random numbers of another kind. Its draws depend on the batch: a row's values change with the batch size and with the rows
    /// beside it. <see cref="Noise"/> and <see cref="SamplePrior"/> draw from each row's own stream instead, so prefer them.
    /// </summary>
    public Generator Generator { get; }

    /// <summary>The device the samples are made on.</summary>
    public Device Device { get; }

    /// <summary>The denoiser view D(x; sigma) of <see cref="Score"/>, on which sigma-based solvers (DDIM, Heun, DPM-Solver++) are
    /// written once for every SDE; a sampler of your own may use it too.</summary>
    public Denoiser Denoiser => denoiser ??= new Denoiser(this);
    Denoiser? denoiser;

    /// <summary>The final time: <see cref="SamplerOptions.Epsilon"/>, or the SDE's sampling epsilon when it is null.</summary>
    public double Epsilon => Options.Epsilon ?? Sde.SamplingEpsilon;

    /// <summary>
    /// A [Count, Dimension] draw from the SDE's prior N(0, PriorStd^2 I), where reverse-time samplers start, in the default
    /// dtype. Each row draws from its own stream, as <see cref="Noise"/> does, and the draw advances it.
    /// </summary>
    public Tensor SamplePrior()
    {
        using var scope = NewDisposeScope();
        return (Draw(new[] { Count, Dimension }, get_default_dtype(), Device) * Sde.PriorStd).MoveToOuterDisposeScope();
    }

    /// <summary>A [Count] tensor holding <paramref name="time"/>, the time argument of <see cref="Score"/>.</summary>
    public Tensor Times(double time) => full(Count, time, device: Device);

    /// <summary>
    /// Standard normal noise shaped like <paramref name="like"/> ([Count, ...]), of its dtype and on its device. Row i comes
    /// from row i's own stream (seeded by the sampler seed and the row's place in the requests, or by the row's seed), so a
    /// row's noise never depends on the batch size or on the other rows; every call draws the next values of each stream.
    /// </summary>
    public Tensor Noise(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        if (like.dim() == 0 || like.shape[0] != Count)
            throw new ArgumentException($"Noise draws one row per row of the batch, so it needs a tensor of {Count} rows; got shape " +
                $"[{string.Join(", ", like.shape)}]. For random numbers of another shape use the context's Generator.", nameof(like));
        return Draw(like.shape, like.dtype, like.device);
    }

    Tensor Draw(long[] shape, ScalarType dtype, Device device)
    {
        var noise = RowNoise.Normals(rowKeys, position, shape, dtype, device);
        long perRow = 1;
        for (int i = 1; i < shape.Length; i++) perRow *= shape[i];
        // The next draw starts after this one: with D values per draw, draw c starts at c D.
        position += (ulong)perRow;
        return noise;
    }

    /// <summary>
    /// Throws <see cref="SamplerDivergedException"/> unless <paramref name="state"/>, the result of step <paramref name="step"/>
    /// (from 0) of <paramref name="steps"/>, is finite: one reduction per step. <paramref name="scoreInputs"/> are the states
    /// and times the step evaluated the score at, starting with the previous (finite) state; when the state is not finite
    /// the score is evaluated there once more to tell a broken score model from too large a step. A step numbered
    /// <paramref name="steps"/> is a final step after the observed ones (e.g. a denoising step).
    /// </summary>
    public void RequireFinite(int step, int steps, Tensor state, params (Tensor X, Tensor T)[] scoreInputs)
    {
        DivergenceCheck.After(this, step, steps, state, scoreInputs);
        Monitor?.AfterStep(step, steps);   // progress, log and cancellation: every sampler calls this once per step
    }

    /// <summary>The run's progress reports and cancellation checks, when a transformer samples; null for direct calls.</summary>
    internal SamplingMonitor? Monitor { get; init; }

    /// <summary>Reports <paramref name="state"/> after step <paramref name="step"/> to <see cref="SamplerOptions.StepObserver"/>, if any.</summary>
    public void Observe(int step, Tensor state) => Options.StepObserver?.Invoke(step, state);
}
