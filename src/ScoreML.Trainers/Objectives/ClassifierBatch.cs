using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// One training step's batch for a <see cref="ClassifierObjective"/>: clean points x drawn from the data, times t ~ U(eps, T),
/// noise z and the noisy points x' = m(t) x + std(t) z under the prior score model's SDE, with their labels.
/// </summary>
public sealed class ClassifierBatch
{
    internal ClassifierBatch(NoiseConditionalClassifier classifier, ScoreModel prior, Tensor cleanPoints, Tensor labels, Tensor noise,
        Tensor noisyPoints, Tensor std, Generator generator)
    {
        Classifier = classifier;
        Prior = prior;
        CleanPoints = cleanPoints;
        Labels = labels;
        Noise = noise;
        NoisyPoints = noisyPoints;
        Std = std;
        Generator = generator;
    }

    /// <summary>The classifier being trained (its network in training mode).</summary>
    public NoiseConditionalClassifier Classifier { get; }

    /// <summary>The frozen prior score model (do not train it): its network gives the prior score s(x', std).</summary>
    public ScoreModel Prior { get; }

    /// <summary>The batch's clean points x, [B, D].</summary>
    public Tensor CleanPoints { get; }

    /// <summary>Their labels, 0-based class indices (int64), [B].</summary>
    public Tensor Labels { get; }

    /// <summary>The standard normal noise z that made the noisy points, [B, D].</summary>
    public Tensor Noise { get; }

    /// <summary>The noisy points x' = m(t) x + std(t) z, [B, D] (they do not require a gradient).</summary>
    public Tensor NoisyPoints { get; }

    /// <summary>The noise std(t) of each point, [B].</summary>
    public Tensor Std { get; }

    /// <summary>The run's seeded generator, for any further randomness the loss needs.</summary>
    public Generator Generator { get; }
}
