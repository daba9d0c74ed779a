using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The loss a noise-conditional classifier is trained with (DLSM stage 2): given a batch of noisy points with their labels,
/// the noise that made them and the frozen prior score model, it returns the loss to minimise. The built-ins are
/// <see cref="NoiseConditionalCrossEntropy"/> and <see cref="DenoisingLikelihoodScoreMatching"/> (alone or plus cross-entropy),
/// which <see cref="DlsmClassifierOptions.Loss"/> names; a subclass of your own goes in
/// <see cref="DlsmClassifierOptions.CustomLoss"/>. A loss is used only while training: a model zip holds the networks, not
/// the loss, so a custom one needs no registration to save or load the model.
/// </summary>
public abstract class ClassifierObjective
{
    /// <summary>
    /// The loss of <paramref name="batch"/> and, for progress reports, its cross-entropy and DLSM terms where it has them. Runs
    /// inside the training step's dispose scope; the trainer backpropagates <see cref="ClassifierLossTerms.Total"/> to the
    /// classifier's weights.
    /// </summary>
    public abstract ClassifierLossTerms Loss(ClassifierBatch batch);

    /// <summary>Creates the built-in loss <paramref name="options"/> name, or returns their <see cref="DlsmClassifierOptions.CustomLoss"/>.</summary>
    public static ClassifierObjective Create(DlsmClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CustomLoss ?? options.Loss switch
        {
            ClassifierLoss.CrossEntropy => new NoiseConditionalCrossEntropy(),
            ClassifierLoss.Dlsm => new DenoisingLikelihoodScoreMatching(options.WeightingExponent),
            ClassifierLoss.DlsmPlusCrossEntropy => new DenoisingLikelihoodScoreMatching(options.WeightingExponent, options.Lambda),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Loss, "Unknown classifier loss."),
        };
    }
}

/// <summary>A classifier loss and the terms it is made of, as <see cref="ClassifierObjective.Loss"/> returns them.</summary>
/// <param name="Total">The scalar loss to minimise.</param>
/// <param name="CrossEntropy">Its cross-entropy term (reported; NaN in reports when null).</param>
/// <param name="Dlsm">Its DLSM term (reported; NaN in reports when null).</param>
public readonly record struct ClassifierLossTerms(Tensor Total, Tensor? CrossEntropy = null, Tensor? Dlsm = null);
