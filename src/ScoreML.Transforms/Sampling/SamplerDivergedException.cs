using ScoreML.Transforms.Sampling;
namespace ScoreML;

/// <summary>
/// A sampler's state became NaN or infinite. Thrown at the first step where that happened, instead of returning a batch of
/// NaN; the message and <see cref="SuspectOption"/> say what is most likely at fault.
/// </summary>
public sealed class SamplerDivergedException : InvalidOperationException
{
    /// <param name="kind">The sampler that diverged.</param>
    /// <param name="step">The first step, from 0, whose result was not finite.</param>
    /// <param name="suspectOption">The sampler option most likely at fault, or null when the score itself was not finite.</param>
    /// <param name="message">What happened and what to do.</param>
    public SamplerDivergedException(SamplerKind kind, int step, string? suspectOption, string message) : base(message)
    {
        Kind = kind;
        Step = step;
        SuspectOption = suspectOption;
    }

    /// <summary>The sampler that diverged.</summary>
    public SamplerKind Kind { get; }

    /// <summary>The first step whose result was not finite, counted from 0 as <see cref="SamplerOptions.StepObserver"/> counts
    /// them (annealed Langevin's final denoising step comes after the last observed one).</summary>
    public int Step { get; }

    /// <summary>The sampler option most likely at fault (e.g. "Sampler.Snr"), or null when the score function itself returned
    /// non-finite values for a finite state, which no sampler option explains.</summary>
    public string? SuspectOption { get; }
}
