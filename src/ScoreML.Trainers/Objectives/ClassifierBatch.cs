using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// One training step's batch for a <see cref="ClassifierObjective"/>: clean points x drawn from the data, times t ~ U(eps, T),
/// noise z and the noisy points x' = m(t) x + std(t) z under the prior score model's SDE, with their labels.
/// </summary>
public sealed class ClassifierBatch
{
    internal ClassifierBatch() { }   // made by the training loop only

    /// <summary>The classifier being trained (its network in training mode).</summary>
    public NoiseConditionalClassifier Classifier { get; internal init; } = null!;

    /// <summary>The frozen prior score model (do not train it): its network gives the prior score s(x', std).</summary>
    public ScoreModel Prior { get; internal init; } = null!;

    /// <summary>The batch's clean points x, [B, D].</summary>
    public Tensor CleanPoints { get; internal init; } = null!;

    /// <summary>Their labels, 0-based class indices (int64), [B].</summary>
    public Tensor Labels { get; internal init; } = null!;

    /// <summary>The standard normal noise z that made the noisy points, [B, D].</summary>
    public Tensor Noise { get; internal init; } = null!;

    /// <summary>The noisy points x' = m(t) x + std(t) z, [B, D] (they do not require a gradient).</summary>
    public Tensor NoisyPoints { get; internal init; } = null!;

    /// <summary>The noise std(t) of each point, [B].</summary>
    public Tensor Std { get; internal init; } = null!;

    /// <summary>The run's seeded generator, for any further randomness the loss needs.</summary>
    public Generator Generator { get; internal init; } = null!;
}
