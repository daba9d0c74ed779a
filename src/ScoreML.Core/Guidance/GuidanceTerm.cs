using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A class- or condition-dependent term that guidance adds to a prior score: the conditional score at (x, t) for labels y is
/// s(x, t) + term(x, t, y). Classifier guidance (base, scaling and DLSM, <see cref="ClassifierGuidance"/>) is the built-in
/// one; a term of your own derives from this class and goes in <c>ConditionalSamplerOptions.Guidance</c> (ScoreML.Transforms).
/// </summary>
/// <remarks>
/// A term is evaluated inside the sampler's step, under no_grad and a dispose scope: turn gradients on yourself where it
/// differentiates (as the classifier's likelihood score does). One instance may serve several samplers and threads, so keep
/// no per-call state in fields; public settable properties are its settings, which a saved model stores once its type is
/// registered with ScoreMLRegistry (a term that holds networks or tensors cannot be saved that way).
/// </remarks>
public abstract class GuidanceTerm
{
    /// <summary>The term at <see cref="GuidanceContext.X"/>, <see cref="GuidanceContext.T"/> for <see cref="GuidanceContext.Labels"/>: [B, D] in x's dtype.</summary>
    public abstract Tensor Evaluate(GuidanceContext context);

    /// <summary>The guided score prior + this term, as a conditional score of diffusion time. The prior score is the model's
    /// unconditional score, which a class-conditional model has only when trained with label dropout (otherwise this throws).</summary>
    public ConditionalScoreFunction AddTo(ScoreModel prior) => AddTo(prior, null);

    /// <summary>
    /// The guided score prior + this term, where the prior score of a class-conditional <paramref name="prior"/> is its
    /// classifier-free guided score with weight <paramref name="classifierFreeWeight"/> ((1 + w) s(x, t | y) - w s(x, t)), or,
    /// when that is null, its unconditional score.
    /// </summary>
    /// <param name="prior">The score model whose score the term is added to.</param>
    /// <param name="classifierFreeWeight">w of classifier-free guidance for a class-conditional prior; null for the unconditional score.</param>
    public ConditionalScoreFunction AddTo(ScoreModel prior, double? classifierFreeWeight)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (classifierFreeWeight is double w) ClassifierFreeGuidance.Check(prior, w, nameof(classifierFreeWeight));
        else prior.RequireUnconditionalScore($"Adding a {GetType().Name} to the prior");
        return (x, t, labels) =>
        {
            using var scope = NewDisposeScope();
            var sigma = prior.Sde.MarginalStd(t);
            var priorScore = classifierFreeWeight is double weight
                ? ClassifierFreeGuidance.Score(prior.Network, x, sigma, labels, weight)
                : prior.Network.forward(x, sigma);
            var at = new GuidanceContext { X = x, T = t, Labels = labels, Sigma = sigma, PriorScore = priorScore, Sde = prior.Sde };
            return (priorScore + Evaluate(at)).MoveToOuterDisposeScope();
        };
    }
}
