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

    /// <summary>The guided score prior + this term, as a conditional score of diffusion time.</summary>
    public ConditionalScoreFunction AddTo(ScoreModel prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        return (x, t, labels) =>
        {
            using var scope = NewDisposeScope();
            var sigma = prior.Sde.MarginalStd(t);
            var priorScore = prior.Network.forward(x, sigma);
            var at = new GuidanceContext { X = x, T = t, Labels = labels, Sigma = sigma, PriorScore = priorScore, Sde = prior.Sde };
            return (priorScore + Evaluate(at)).MoveToOuterDisposeScope();
        };
    }
}
