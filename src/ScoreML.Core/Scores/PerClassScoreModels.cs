using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Posterior score matching (the DLSM paper's analytic reference): one unconditional score model per class, trained on that
/// class's rows only, so the model of class y gives grad log p(x | y) directly.
/// </summary>
public static class PerClassScoreModels
{
    /// <summary>Row i's score at noise std sigma_i from the model of class labels_i.</summary>
    public static Tensor Evaluate(IReadOnlyList<ScoreModel> models, Tensor x, Tensor sigma, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var result = zeros_like(x);
        for (int c = 0; c < models.Count; c++)
        {
            var index = nonzero(labels == c).flatten();
            if (index.shape[0] == 0) continue;
            result.index_copy_(0, index, models[c].Network.forward(x.index_select(0, index), sigma.index_select(0, index)));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The per-class models as a conditional score of diffusion time; all must share one SDE.</summary>
    public static ConditionalScoreFunction AsConditionalScore(IReadOnlyList<ScoreModel> models)
    {
        if (models.Count < 2) throw new ArgumentException("Give one score model per class (at least two).", nameof(models));
        var sde = models[0].Sde;
        return (x, t, labels) =>
        {
            using var scope = NewDisposeScope();
            return Evaluate(models, x, sde.MarginalStd(t), labels).MoveToOuterDisposeScope();
        };
    }
}
