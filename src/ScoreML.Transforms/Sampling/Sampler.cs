using System.Text.Json.Serialization;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A way of drawing samples from a score model: given a score function of diffusion time and the SDE it belongs to
/// (<see cref="SamplingContext"/>), it returns [count, dimension] samples. The built-ins are
/// <see cref="PredictorCorrectorSampler"/>, <see cref="AnnealedLangevinSampler"/> and <see cref="ProbabilityFlowOdeSampler"/>,
/// chosen by <see cref="SamplerOptions.Kind"/>; a sampler of your own derives from this class and goes in
/// <see cref="SamplerOptions.CustomSampler"/>, where every ScoreML transformer that samples uses it.
/// </summary>
/// <remarks>
/// <para>Rules a sampler keeps, as the built-ins do: draw its random numbers with <see cref="SamplingContext.SamplePrior"/>
/// and <see cref="SamplingContext.Noise"/>, which give each row a stream of its own, and treat rows independently of each
/// other where the method allows (a sample then depends on the seed and its row, not on the batch, so sampling can be
/// split into any batches); draw anything else from <see cref="SamplingContext.Generator"/> (the same seed then gives the
/// same samples, but they depend on the batch); run each step in a dispose scope; call
/// <see cref="SamplingContext.RequireFinite"/> after each step and <see cref="SamplingContext.Observe"/> with the state to
/// report. Sample is not called under no_grad: turn gradients off where the method needs none. One instance
/// may serve several transformers and threads at once, so keep per-run state in locals, not in fields; public settable
/// properties are its settings, which a saved model stores (<see cref="ScoreMLRegistry"/>).</para>
/// <para>The context is a class, not a parameter list, so that later views of the score (a denoiser D(x; sigma) for
/// DDIM- or EDM-style solvers, a sigma schedule) can be added to it without breaking samplers written against it.</para>
/// </remarks>
public abstract class Sampler
{
    /// <summary>The name errors give this sampler ("The {Name} sampler's state became non-finite..."): the type's name unless overridden.</summary>
    [JsonIgnore]
    public virtual string Name => GetType().Name;

    /// <summary>The kind <see cref="SamplerDivergedException.Kind"/> reports: a built-in's own, <see cref="SamplerKind.Custom"/> for any other.</summary>
    internal virtual SamplerKind Kind => SamplerKind.Custom;

    /// <summary>Draws <see cref="SamplingContext.Count"/> samples of <see cref="SamplingContext.Dimension"/> values: [count, dimension].</summary>
    public abstract Tensor Sample(SamplingContext context);

    /// <summary>
    /// When this sampler's state became non-finite although the score was finite: the option most likely at fault (as the
    /// user reaches it, e.g. "Sampler.Steps") and what to do. The default blames <see cref="SamplerOptions.CustomSampler"/>'s step sizes.
    /// </summary>
    protected internal virtual (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        ("Sampler.CustomSampler", $"check the settings of {Name} that set its step size, or give it more steps.");

    /// <summary>
    /// Draws <paramref name="count"/> samples of <paramref name="dimension"/> values with the sampler <paramref name="options"/>
    /// choose (<see cref="SamplerOptions.CustomSampler"/>, else <see cref="SamplerOptions.Kind"/>); returns [count, dimension].
    /// The rows' noise streams are keyed by one 64-bit number drawn from <paramref name="generator"/> and the row's index, so
    /// row i depends on the generator's state and i only. The transformers key rows by <see cref="SamplerOptions.Seed"/> and
    /// the row's place in the requests instead, so their samples differ from this method's for the same seed.
    /// </summary>
    public static Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Run(options.ResolveSampler(), score, sde, count, dimension, options, generator, device);
    }

    /// <summary>Draws one sample per row of <paramref name="rowKeys"/>, each from its own noise stream: the transformers' route.</summary>
    internal static Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long dimension,
        SamplerOptions options, Generator generator, ulong[] rowKeys, Device device, SamplingMonitor? monitor = null)
    {
        options.Validate();
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(sde);
        var sampler = options.ResolveSampler();
        return sampler.Sample(new SamplingContext(sampler, score, sde, rowKeys.Length, dimension, options, generator, device, rowKeys) { Monitor = monitor });
    }

    /// <summary>Runs <paramref name="sampler"/> with <paramref name="options"/>, which the caller has checked.</summary>
    internal static Tensor Run(Sampler sampler, ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(sde);
        return sampler.Sample(new SamplingContext(sampler, score, sde, count, dimension, sampler.WithBudget(options), generator, device));
    }

    /// <summary>The options a fixed-step sampler runs with when <see cref="SamplerOptions.Evaluations"/> is set: a copy whose
    /// <see cref="SamplerOptions.Steps"/> spends that budget, so that its steps (which read Steps) agree. The sigma-based
    /// samplers read the budget themselves; others run with the options as given.</summary>
    internal virtual SamplerOptions WithBudget(SamplerOptions options) => options;
}
