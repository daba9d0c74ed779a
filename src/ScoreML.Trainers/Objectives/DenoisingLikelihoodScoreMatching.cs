using ScoreML.Runtime;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The DLSM loss (Chao et al. 2022, Eq. A4), alone or plus a weight times cross-entropy (Eq. 11, the paper's method). With
/// x' = m x + std z, the score of the perturbation kernel is grad log q(x' | x) = -z / std, and the classifier's likelihood
/// score g = grad_x' log p(y | x', std) is fitted so that the frozen prior score s plus g matches it:
/// lambda / 2 * |g + s + z / std|^2 with lambda = std^(2 p). Averaged over the D dimensions rather than summed, as the
/// authors' code does (torch.mean over all elements), so their balancing coefficients (lambda = 0.125 in the toy study)
/// mean the same here.
/// </summary>
public sealed class DenoisingLikelihoodScoreMatching : ClassifierObjective
{
    readonly double weightingExponent;
    readonly double? crossEntropyWeight;

    /// <param name="weightingExponent">p in the DLSM term's weight std^(2 p).</param>
    /// <param name="crossEntropyWeight">The weight of cross-entropy added to the DLSM term; null for DLSM alone.</param>
    public DenoisingLikelihoodScoreMatching(double weightingExponent = 1, double? crossEntropyWeight = null)
    {
        this.weightingExponent = weightingExponent;
        this.crossEntropyWeight = crossEntropyWeight;
    }

    /// <inheritdoc/>
    public override ClassifierLossTerms Loss(ClassifierBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var x = batch.NoisyPoints.detach().requires_grad_(true);
        var logits = batch.Classifier.Logits(x, batch.Std);
        var crossEntropy = nn.functional.cross_entropy(logits, batch.Labels);
        Tensor prior;
        using (no_grad()) prior = batch.Prior.Network.forward(batch.NoisyPoints, batch.Std);
        var selected = batch.Classifier.LogProbabilitiesOf(logits).gather(1, batch.Labels.unsqueeze(1)).sum();
        // create_graph and retain_graph both: TorchSharp does not imply the second from the first.
        var likelihood = autograd.grad(new[] { selected }, new[] { x }, create_graph: true, retain_graph: true)[0];
        var dlsm = PointLosses(likelihood, prior, batch.Noise, batch.Std, weightingExponent).mean();
        var total = crossEntropyWeight is double weight ? dlsm + weight * crossEntropy : dlsm;
        return new ClassifierLossTerms(total, crossEntropy, dlsm);
    }

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
        return 0.5 * HeldScalars.Pow(std, 2 * weightingExponent) * residual.square().mean(new long[] { 1 });
    }
}
