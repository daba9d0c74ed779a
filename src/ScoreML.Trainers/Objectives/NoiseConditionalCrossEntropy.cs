using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Noise-conditional cross-entropy (DLSM paper, Eq. A5): -log p(y | x', std), the paper's "base" classifier.</summary>
public sealed class NoiseConditionalCrossEntropy : ClassifierObjective
{
    /// <inheritdoc/>
    public override ClassifierLossTerms Loss(ClassifierBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var crossEntropy = nn.functional.cross_entropy(batch.Classifier.Logits(batch.NoisyPoints, batch.Std), batch.Labels);
        return new ClassifierLossTerms(crossEntropy, crossEntropy);
    }
}
