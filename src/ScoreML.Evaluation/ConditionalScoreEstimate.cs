using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// An estimate of the two class-conditional scores the DLSM paper measures: the posterior score grad log p(x | y) and the
/// likelihood score grad log p(y | x), both at a noise level. Made from classifier guidance, per-class score models, or the oracle.
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
