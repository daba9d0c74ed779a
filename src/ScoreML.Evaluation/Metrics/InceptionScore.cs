using ScoreML.Evaluation.Metrics;
using ScoreML.Data;
using ScoreML.Evaluation.Intervals;

namespace ScoreML;

/// <summary>
/// The Inception Score (Salimans et al. 2016) as improved-gan and torch-fidelity compute it: class probabilities in float64,
/// split into contiguous parts (rows [i N / s, (i + 1) N / s)); per part exp(mean_x KL(p(y|x) || mean_x p(y|x)));
/// reported as the mean and the population standard deviation over the parts.
/// </summary>
public static class InceptionScore
{
    /// <param name="logits">Row-major [N, C] unnormalised log-probabilities (softmax is applied here, in float64).</param>
    /// <param name="classes">C.</param>
    /// <param name="splits">Number of parts (10 in the literature).</param>
    public static InceptionScoreResult FromLogits(float[] logits, int classes, int splits = 10) =>
        Compute(LogSoftmax(logits, classes, splits), classes, splits);

    /// <summary>The score of each bootstrap resample of the rows (the evaluator's interval); the rows keep their drawn order.</summary>
    internal static double[] Resampled(float[] logits, int classes, int splits, BootstrapDraws draws)
    {
        var logP = LogSoftmax(logits, classes, splits);
        var drawn = new double[logP.Length];
        return draws.Indices.Select(rows =>
        {
            for (int i = 0; i < rows.Length; i++) Array.Copy(logP, (long)rows[i] * classes, drawn, (long)i * classes, classes);
            return Compute(drawn, classes, splits).Mean;
        }).ToArray();
    }

    static double[] LogSoftmax(float[] logits, int classes, int splits)
    {
        var logProbabilities = new double[Validate(logits, classes, splits, "logits")];
        for (int row = 0; row < logits.Length / classes; row++)
        {
            int o = row * classes;
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = Math.Max(max, logits[o + c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[o + c] - max);
            double logSum = max + Math.Log(sum);
            for (int c = 0; c < classes; c++) logProbabilities[o + c] = logits[o + c] - logSum;
        }
        return logProbabilities;
    }

    /// <param name="probabilities">Row-major [N, C] class probabilities (each row sums to 1).</param>
    /// <param name="classes">C.</param>
    /// <param name="splits">Number of parts (10 in the literature).</param>
    public static InceptionScoreResult FromProbabilities(float[] probabilities, int classes, int splits = 10)
    {
        var logProbabilities = new double[Validate(probabilities, classes, splits, "probabilities")];
        for (int row = 0; row < probabilities.Length / classes; row++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                float p = probabilities[row * classes + c];
                if (p < 0) throw new ArgumentException($"Row {row} holds a negative probability ({p}) for class {c}.", nameof(probabilities));
                sum += p;
            }
            if (Math.Abs(sum - 1) > 1e-3)
                throw new ArgumentException($"Row {row}'s probabilities sum to {sum}, not 1; pass logits to FromLogits instead.", nameof(probabilities));
            for (int c = 0; c < classes; c++) logProbabilities[row * classes + c] = Math.Log(probabilities[row * classes + c]);
        }
        return Compute(logProbabilities, classes, splits);
    }

    static int Validate(float[] values, int classes, int splits, string name)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "The Inception Score needs at least two classes.");
        if (values.Length % classes != 0) throw new ArgumentException($"The {name} hold {values.Length} values, not rows of {classes}.", name);
        int rows = values.Length / classes;
        if (splits < 1) throw new ArgumentOutOfRangeException(nameof(splits), splits, "splits must be at least 1.");
        if (rows < splits) throw new ArgumentException($"{rows} samples cannot be split into {splits} parts.", name);
        int bad = FiniteValues.IndexOfNonFinite(values);
        if (bad >= 0) throw new ArgumentException($"Row {bad / classes} of the {name} holds {values[bad]} for class {bad % classes}.", name);
        return values.Length;
    }

    static InceptionScoreResult Compute(double[] logP, int classes, int splits)
    {
        int rows = logP.Length / classes;
        var scores = new double[splits];
        for (int s = 0; s < splits; s++)
        {
            int start = (int)((long)s * rows / splits), end = (int)((long)(s + 1) * rows / splits);
            var marginal = new double[classes];
            for (int row = start; row < end; row++)
                for (int c = 0; c < classes; c++) marginal[c] += Math.Exp(logP[row * classes + c]);
            for (int c = 0; c < classes; c++) marginal[c] = Math.Log(marginal[c] / (end - start));
            double kl = 0;
            for (int row = start; row < end; row++)
            {
                for (int c = 0; c < classes; c++)
                {
                    double lp = logP[row * classes + c];
                    if (lp == double.NegativeInfinity) continue;   // 0 log 0 = 0
                    kl += Math.Exp(lp) * (lp - marginal[c]);
                }
            }
            scores[s] = Math.Exp(kl / (end - start));
        }
        double mean = scores.Average();
        double std = Math.Sqrt(scores.Sum(x => (x - mean) * (x - mean)) / splits);
        return new InceptionScoreResult(mean, std, splits);
    }
}

/// <param name="Mean">Mean of the per-split scores.</param>
/// <param name="Std">Their population standard deviation.</param>
/// <param name="Splits">The number of parts.</param>
public sealed record InceptionScoreResult(double Mean, double Std, int Splits);
