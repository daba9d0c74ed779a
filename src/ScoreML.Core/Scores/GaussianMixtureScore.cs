using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The exact perturbed score of a mixture of isotropic Gaussians sum_k pi_k N(mu_k, s_k^2 I): under
/// x = a x0 + sigma z each component becomes N(a mu_k, (a^2 s_k^2 + sigma^2) I), so the score is
/// sum_k r_k(x) (a mu_k - x) / v_k with responsibilities r_k. Used as ground truth for samplers and trainers.
/// </summary>
public sealed class GaussianMixtureScore
{
    readonly double[] weights;
    readonly double[][] means;
    readonly double[] stds;

    /// <param name="weights">Each component's weight pi_k; divided by their sum, so they need not add up to 1.</param>
    /// <param name="means">Each component's mean mu_k, all of the same dimension.</param>
    /// <param name="stds">Each component's standard deviation s_k.</param>
    public GaussianMixtureScore(double[] weights, double[][] means, double[] stds)
    {
        if (weights.Length == 0 || weights.Length != means.Length || weights.Length != stds.Length)
            throw new ArgumentException("weights, means and stds must have one entry per component.");
        this.weights = weights.Select(w => w / weights.Sum()).ToArray();
        this.means = means;
        this.stds = stds;
        Dimension = means[0].Length;
    }

    /// <summary>The dimension of the data (the length of the first mean).</summary>
    public int Dimension { get; }

    /// <summary>The mixture's mean.</summary>
    public double[] Mean() =>
        Enumerable.Range(0, Dimension).Select(j => weights.Select((w, k) => w * means[k][j]).Sum()).ToArray();

    /// <summary>The mixture's covariance: sum_k pi_k (s_k^2 I + mu_k mu_k^T) - mean mean^T.</summary>
    public double[,] Covariance()
    {
        var mean = Mean();
        var cov = new double[Dimension, Dimension];
        for (int i = 0; i < Dimension; i++)
            for (int j = 0; j < Dimension; j++)
            {
                double v = 0;
                for (int k = 0; k < weights.Length; k++)
                    v += weights[k] * ((i == j ? stds[k] * stds[k] : 0) + means[k][i] * means[k][j]);
                cov[i, j] = v - mean[i] * mean[j];
            }
        return cov;
    }

    /// <summary>grad_x log p(x) of the perturbed mixture; sigma and meanCoefficient are [B] tensors.</summary>
    public Tensor Score(Tensor x, Tensor sigma, Tensor meanCoefficient)
    {
        using var scope = NewDisposeScope();
        var q = x.to(ScalarType.Float64);
        var a = meanCoefficient.to(ScalarType.Float64).unsqueeze(1);        // [B,1]
        var s2 = sigma.to(ScalarType.Float64).square().unsqueeze(1);         // [B,1]
        var mu = tensor(means.SelectMany(m => m).ToArray(), new long[] { weights.Length, Dimension }, dtype: ScalarType.Float64, device: x.device);
        var componentVar = tensor(stds.Select(s => s * s).ToArray(), dtype: ScalarType.Float64, device: x.device).unsqueeze(0);   // [1,K]
        var logPi = tensor(weights.Select(w => Math.Log(w)).ToArray(), dtype: ScalarType.Float64, device: x.device).unsqueeze(0);
        var v = a.square() * componentVar + s2;                                                              // [B,K]
        var centres = a.unsqueeze(2) * mu.unsqueeze(0);                                                     // [B,K,D]
        var diff = centres - q.unsqueeze(1);                                                                 // [B,K,D]
        var logits = logPi - 0.5 * Dimension * v.log() - diff.square().sum(2) / (2 * v);
        var r = softmax(logits, 1);
        var score = (r.unsqueeze(2) * diff / v.unsqueeze(2)).sum(1);
        return score.to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The score as a function of diffusion time under <paramref name="sde"/>.</summary>
    public ScoreFunction AsScoreFunction(StochasticDifferentialEquation sde) =>
        (x, t) => Score(x, sde.MarginalStd(t), sde.MeanCoefficient(t));
}
