using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// An <see cref="ITrainingStep"/> that trains a noise-conditional network as a plain classifier: the cross-entropy of its
/// logits on the batch's rows, told one fixed noise level. The classification accuracy score's network and the
/// Fashion-MNIST example's feature classifier train this way.
/// </summary>
public sealed class FixedNoiseCrossEntropy : ITrainingStep
{
    readonly NoiseConditionalNetwork network;
    readonly Tensor features;
    readonly Tensor labels;
    readonly float sigma;

    /// <param name="network">The classifier network, one logit per class.</param>
    /// <param name="features">All rows, [N, D], on the training device (owned by the caller).</param>
    /// <param name="labels">Their 0-based classes (int64), [N].</param>
    /// <param name="sigma">The noise level the network is told.</param>
    public FixedNoiseCrossEntropy(NoiseConditionalNetwork network, Tensor features, Tensor labels, float sigma)
    {
        this.network = network ?? throw new ArgumentNullException(nameof(network));
        this.features = features ?? throw new ArgumentNullException(nameof(features));
        this.labels = labels ?? throw new ArgumentNullException(nameof(labels));
        this.sigma = sigma;
    }

    /// <inheritdoc/>
    public Tensor Loss(TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = batch.Indices;
        var logits = network.forward(features.index_select(0, rows), full(rows.shape[0], sigma, device: batch.Device));
        return nn.functional.cross_entropy(logits, labels.index_select(0, rows));
    }
}
