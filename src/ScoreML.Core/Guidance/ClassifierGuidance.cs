using ScoreML.Guidance;

namespace ScoreML;

/// <summary>
/// Classifier guidance: the posterior score s(x, sigma) + alpha grad_x log p(y | x, sigma), with sigma the SDE's marginal
/// std at time t. alpha = 1 is the Bayes-rule posterior (the DLSM paper's base and DLSM methods); alpha &gt; 1 is the
/// "scaling" method of Dhariwal and Nichol. The classifier's term is a <see cref="GuidanceTerm"/> like any other.
/// </summary>
public static class ClassifierGuidance
{
    /// <summary>The guided score s(x, t) + alpha grad_x log p(y | x, sigma(t)) of <paramref name="scoreModel"/> and
    /// <paramref name="classifier"/>; throws unless alpha is positive and finite and both work on the same number of values per row.</summary>
    /// <param name="scoreModel">The prior score; its SDE gives sigma(t).</param>
    /// <param name="classifier">The noise-conditional classifier whose likelihood score is added.</param>
    /// <param name="alpha">The guidance scale: 1 for the Bayes-rule posterior, above 1 to sharpen the classes.</param>
    public static ConditionalScoreFunction Create(ScoreModel scoreModel, NoiseConditionalClassifier classifier, double alpha) =>
        Create(scoreModel, classifier, alpha, null);

    /// <summary>Classifier guidance on a class-conditional score model's classifier-free guided score:
    /// (1 + w) s(x, t | y) - w s(x, t) + alpha grad_x log p(y | x, sigma(t)); with <paramref name="classifierFreeWeight"/> null, the
    /// model's unconditional score + alpha grad_x log p(y | x, sigma(t)) as <see cref="Create(ScoreModel, NoiseConditionalClassifier, double)"/>.</summary>
    /// <param name="scoreModel">The prior score; its SDE gives sigma(t).</param>
    /// <param name="classifier">The noise-conditional classifier whose likelihood score is added.</param>
    /// <param name="alpha">The guidance scale: 1 for the Bayes-rule posterior, above 1 to sharpen the classes.</param>
    /// <param name="classifierFreeWeight">w of classifier-free guidance, for a class-conditional score model; null for none.</param>
    public static ConditionalScoreFunction Create(ScoreModel scoreModel, NoiseConditionalClassifier classifier, double alpha, double? classifierFreeWeight)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The guidance scale alpha must be positive and finite.");
        if (scoreModel.Dimension != classifier.Dimension)
            throw new ArgumentException($"The score model works on {scoreModel.Dimension} values per row and the classifier on {classifier.Dimension}.", nameof(classifier));
        return Term(classifier, alpha).AddTo(scoreModel, classifierFreeWeight);
    }

    /// <summary>The classifier's term alone, alpha grad_x log p(y | x, sigma), to add to a prior score.</summary>
    public static GuidanceTerm Term(NoiseConditionalClassifier classifier, double alpha) => new ClassifierGuidanceTerm(classifier, alpha);
}
