using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The DLSM loss (Chao et al. 2022, Eq. A4). With x' = m x + std z, the score of the perturbation kernel is
/// grad log q(x' | x) = -z / std, and the classifier's likelihood score g = grad_x' log p(y | x', std) is fitted so
/// that the frozen prior score s plus g matches it: lambda / 2 * |g + s + z / std|^2 with lambda = std^(2 p).
/// Averaged over the D dimensions rather than summed, as the authors' code does (torch.mean over all elements), so
/// their balancing coefficients (lambda = 0.125 in the toy study) mean the same here.
/// </summary>
public static class DenoisingLikelihoodScoreMatching
{
    /// <param name="likelihoodScore">g, [B, D].</param>
    /// <param name="priorScore">s from the frozen score model at the same points, [B, D].</param>
    /// <param name="z">The noise that made the points, [B, D].</param>
    /// <param name="std">Noise std, [B].</param>
    /// <param name="weightingExponent">p in lambda = std^(2 p).</param>
    /// <returns>The loss of each point, [B].</returns>
    public static Tensor PointLosses(Tensor likelihoodScore, Tensor priorScore, Tensor z, Tensor std, double weightingExponent)
    {
        var s = std.unsqueeze(1);
        var residual = likelihoodScore + priorScore + z / s;
        return 0.5 * std.pow(2 * weightingExponent) * residual.square().mean(new long[] { 1 });
    }
}
