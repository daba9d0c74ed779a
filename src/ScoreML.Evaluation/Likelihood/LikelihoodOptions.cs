namespace ScoreML.Evaluation.Likelihood;

/// <summary>How the divergence of the probability-flow ODE is estimated.</summary>
public enum DivergenceEstimator
{
    /// <summary>Hutchinson's estimator with Rademacher probes (one fixed probe per sample, as score_sde).</summary>
    HutchinsonRademacher,
    /// <summary>Hutchinson's estimator with Gaussian probes.</summary>
    HutchinsonGaussian,
    /// <summary>The exact trace of the Jacobian, one backward pass per dimension (low-dimensional data).</summary>
    Exact,
}

/// <summary>Settings of the likelihood computation (Song et al. 2021, Appendix D.2; score_sde's likelihood.py).</summary>
public sealed class LikelihoodOptions
{
    public DivergenceEstimator Divergence { get; set; } = DivergenceEstimator.HutchinsonRademacher;
    /// <summary>Relative and absolute tolerances of the adaptive Dormand-Prince RK45 solver (score_sde: 1e-5 both).</summary>
    public double RelativeTolerance { get; set; } = 1e-5;
    public double AbsoluteTolerance { get; set; } = 1e-5;
    /// <summary>The start time of the integration; null uses the SDE's sampling epsilon (score_sde: 1e-5).</summary>
    public double? Epsilon { get; set; }
    /// <summary>
    /// Added to every bits-per-dimension value: the change of variables from the data's scale to the one the likelihood is
    /// quoted on. For 8-bit pixels scaled to [0, 1], 8 (= log2 256); to [-1, 1], 7; for continuous data, 0.
    /// </summary>
    public double BitsOffset { get; set; }
    /// <summary>Uniform dequantisation: each value gets U[0, width) noise first (for [0,1]-scaled 8-bit pixels, 1/256); 0 for none.</summary>
    public double DequantizationWidth { get; set; }
    public int BatchSize { get; set; } = 500;
    /// <summary>Seeds the probes and the dequantisation noise.</summary>
    public int Seed { get; set; }
    /// <summary>Stops a solve that needs more steps than this (a sign of a broken score model).</summary>
    public int MaxSteps { get; set; } = 10_000;

    internal void Validate()
    {
        if (!(RelativeTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), RelativeTolerance, "LikelihoodOptions.RelativeTolerance must be positive.");
        if (!(AbsoluteTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerance), AbsoluteTolerance, "LikelihoodOptions.AbsoluteTolerance must be positive.");
        if (Epsilon is double e && !(e > 0 && e < 1)) throw new ArgumentOutOfRangeException(nameof(Epsilon), e, "LikelihoodOptions.Epsilon must lie in (0, 1).");
        if (!(DequantizationWidth >= 0)) throw new ArgumentOutOfRangeException(nameof(DequantizationWidth), DequantizationWidth, "LikelihoodOptions.DequantizationWidth cannot be negative.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "LikelihoodOptions.BatchSize must be positive.");
        if (MaxSteps <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "LikelihoodOptions.MaxSteps must be positive.");
    }
}
