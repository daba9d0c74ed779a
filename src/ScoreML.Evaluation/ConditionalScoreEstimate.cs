using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// An estimate of the two class-conditional scores the DLSM paper measures: the posterior score grad log p(x | y) and the
/// likelihood score grad log p(y | x), both at a noise level. Made from classifier guidance, classifier-free guidance, per-class
/// score models, or the oracle.
/// </summary>
public sealed record ConditionalScoreEstimate(NoiseLevelConditionalScore Posterior, NoiseLevelConditionalScore Likelihood)
{
    /// <summary>Classifier guidance: posterior s + alpha g, likelihood alpha g (g = grad log p(y | x, sigma)).</summary>
    public static ConditionalScoreEstimate FromGuidance(ScoreModel scoreModel, NoiseConditionalClassifier classifier, double alpha = 1)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be positive and finite.");
        NoiseLevelConditionalScore likelihood = (x, sigma, y) =>
        {
            using var scope = NewDisposeScope();
            return (alpha * classifier.LikelihoodScore(x, sigma, y)).MoveToOuterDisposeScope();
        };
        NoiseLevelConditionalScore posterior = (x, sigma, y) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return (scoreModel.Network.forward(x, sigma) + likelihood(x, sigma, y)).MoveToOuterDisposeScope();
        };
        return new ConditionalScoreEstimate(posterior, likelihood);
    }

    /// <summary>
    /// Classifier-free guidance: the posterior (1 + w) s(x, sigma | y) - w s(x, sigma) of a class-conditional score model, and the
    /// likelihood score it implies, that posterior minus the model's unconditional score, (1 + w) (s(x, sigma | y) - s(x, sigma)).
    /// The likelihood needs the unconditional score, which only a model trained with label dropout has.
    /// </summary>
    /// <param name="conditional">The class-conditional score model.</param>
    /// <param name="weight">w, at least 0 (0: the conditional model as trained).</param>
    public static ConditionalScoreEstimate FromClassifierFree(ScoreModel conditional, double weight = 0)
    {
        ArgumentNullException.ThrowIfNull(conditional);
        ClassifierFreeGuidance.Check(conditional, weight, nameof(weight));
        conditional.RequireUnconditionalScore("The likelihood score of classifier-free guidance");
        NoiseLevelConditionalScore posterior = (x, sigma, y) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return ClassifierFreeGuidance.Score(conditional.Network, x, sigma, y, weight).MoveToOuterDisposeScope();
        };
        NoiseLevelConditionalScore likelihood = (x, sigma, y) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return (posterior(x, sigma, y) - conditional.Network.forward(x, sigma)).MoveToOuterDisposeScope();
        };
        return new ConditionalScoreEstimate(posterior, likelihood);
    }

    /// <summary>
    /// Posterior score matching: one score model per class gives the posterior score directly; the likelihood score is
    /// its difference from an unconditional score model's.
    /// </summary>
    public static ConditionalScoreEstimate FromPerClassModels(IReadOnlyList<ScoreModel> perClass, ScoreModel unconditional)
    {
        if (perClass.Count < 2) throw new ArgumentException("Give one score model per class (at least two).", nameof(perClass));
        NoiseLevelConditionalScore posterior = (x, sigma, y) => PerClassScoreModels.Evaluate(perClass, x, sigma, y);
        NoiseLevelConditionalScore likelihood = (x, sigma, y) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return (PerClassScoreModels.Evaluate(perClass, x, sigma, y) - unconditional.Network.forward(x, sigma)).MoveToOuterDisposeScope();
        };
        return new ConditionalScoreEstimate(posterior, likelihood);
    }

    /// <summary>The exact Parzen scores of labelled data (<see cref="ParzenOracle"/> built with labels), for VE noise.</summary>
    public static ConditionalScoreEstimate FromOracle(ParzenOracle oracle) => new(
        (x, sigma, y) => oracle.PosteriorScore(x, sigma, y).to(x.dtype),
        (x, sigma, y) => oracle.LikelihoodScore(x, sigma, y).to(x.dtype));
}
