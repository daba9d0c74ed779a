using static TorchSharp.torch;

namespace ScoreML.Guidance;

/// <summary>
/// The classifier's term of classifier guidance: alpha grad_x log p(y | x, sigma). With alpha = 1 and a classifier trained
/// by cross-entropy it is the DLSM paper's base method, with alpha &gt; 1 the "scaling" method of Dhariwal and Nichol, with a
/// DLSM-trained classifier the DLSM method. It holds a network, so a saved model stores its classifier's weights and alpha
/// (ConditionalSamplerOptions.GuidanceScale), not JSON settings.
/// </summary>
internal sealed class ClassifierGuidanceTerm : GuidanceTerm
{
    readonly NoiseConditionalClassifier classifier;
    readonly double scale;

    public ClassifierGuidanceTerm(NoiseConditionalClassifier classifier, double scale)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The guidance scale alpha must be positive and finite.");
        this.classifier = classifier;
        this.scale = scale;
    }

    public override Tensor Evaluate(GuidanceContext context) =>
        scale * classifier.LikelihoodScore(context.X, context.Sigma, context.Labels);
}
