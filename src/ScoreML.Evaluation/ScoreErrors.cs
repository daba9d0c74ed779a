using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The DLSM paper's score errors (Eq. 7) at one noise level: for each class y, D_P = E |posterior estimate - oracle posterior|
/// and D_L = E |likelihood estimate - oracle likelihood|, Euclidean norms averaged over a set of points (for example a grid).
/// The oracle is the Parzen score of the labelled data: the posterior from class y's points, the likelihood as the posterior
/// minus the prior score of all points.
/// </summary>
public static class ScoreErrors
{
    /// <param name="estimate">The scores to judge.</param>
    /// <param name="oracle">A Parzen oracle built with labels.</param>
    /// <param name="points">Row-major [n, D] points at which to compare.</param>
    /// <param name="sigma">The noise level.</param>
    /// <returns>D_P and D_L, one entry per class.</returns>
    public static (double[] PosteriorError, double[] LikelihoodError) Measure(ConditionalScoreEstimate estimate, ParzenOracle oracle,
        float[] points, double sigma)
    {
        if (oracle.ClassCount < 2) throw new ArgumentException("The oracle needs labels (two classes or more).", nameof(oracle));
        if (points.Length == 0 || points.Length % oracle.Dimension != 0)
            throw new ArgumentException($"The points must be a non-empty [n, {oracle.Dimension}] array; got {points.Length} values.", nameof(points));
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be positive.");
        int n = points.Length / oracle.Dimension;
        var posteriorError = new double[oracle.ClassCount];
        var likelihoodError = new double[oracle.ClassCount];
        using var scope = NewDisposeScope();
        var x = tensor(points, new long[] { n, oracle.Dimension });
        var s = full(n, (float)sigma);
        var prior = oracle.Score(x, s);   // shared by every class's likelihood = posterior - prior
        for (int c = 0; c < oracle.ClassCount; c++)
        {
            var y = full(n, c, dtype: ScalarType.Int64);
            var truePosterior = oracle.PosteriorScore(x, s, y);
            var trueLikelihood = truePosterior - prior;
            posteriorError[c] = MeanDistance(estimate.Posterior(x, s, y), truePosterior);
            likelihoodError[c] = MeanDistance(estimate.Likelihood(x, s, y), trueLikelihood);
        }
        return (posteriorError, likelihoodError);
    }

    static double MeanDistance(Tensor estimate, Tensor truth) =>
        (estimate.to(ScalarType.Float64) - truth.to(ScalarType.Float64)).square().sum(1).sqrt().mean().item<double>();
}
