using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Classifier guidance: the posterior score s(x, sigma) + alpha grad_x log p(y | x, sigma), with sigma the SDE's marginal
/// std at time t. alpha = 1 is the Bayes-rule posterior (the DLSM paper's base and DLSM methods); alpha &gt; 1 is the
/// "scaling" method of Dhariwal and Nichol.
/// </summary>
public static class ClassifierGuidance
{
    public static ConditionalScoreFunction Create(ScoreModel scoreModel, NoiseConditionalClassifier classifier, double alpha)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The guidance scale alpha must be positive and finite.");
        if (scoreModel.Dimension != classifier.Dimension)
            throw new ArgumentException($"The score model works on {scoreModel.Dimension} values per row and the classifier on {classifier.Dimension}.", nameof(classifier));
        return (x, t, labels) =>
        {
            using var scope = NewDisposeScope();
            var sigma = scoreModel.Sde.MarginalStd(t);
            var prior = scoreModel.Network.forward(x, sigma);
            var likelihood = classifier.LikelihoodScore(x, sigma, labels);
            return (prior + alpha * likelihood).MoveToOuterDisposeScope();
        };
    }
}
