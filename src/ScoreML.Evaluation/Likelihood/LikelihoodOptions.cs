namespace ScoreML;

/// <summary>Settings of the likelihood computation (Song et al. 2021, Appendix D.2; score_sde's likelihood.py).</summary>
public sealed class LikelihoodOptions
{
    /// <summary>The loosest solver tolerance: above 0.1 the error control accepts steps 10% off, which gives no likelihood worth
    /// quoting (score_sde: 1e-5).</summary>
    public const double MaxTolerance = 0.1;

    /// <summary>The largest |<see cref="BitsOffset"/>|: log2 of a change of the data's scale by 2^64, more than any data needs.</summary>
    public const double MaxBitsOffset = 64;

    /// <summary>The most solver steps one batch may take before it is stopped as broken.</summary>
    public const int MaxStepsLimit = 1_000_000;

    /// <summary>How the divergence of the probability-flow velocity is computed (default Hutchinson with Rademacher probes, as score_sde).</summary>
    public DivergenceEstimator Divergence { get; set; } = DivergenceEstimator.HutchinsonRademacher;
    /// <summary>Relative and absolute tolerances of the adaptive Dormand-Prince RK45 solver (score_sde: 1e-5 both), in (0, <see cref="MaxTolerance"/>].</summary>
    public double RelativeTolerance { get; set; } = 1e-5;
    /// <summary>The solver's absolute tolerance (score_sde: 1e-5), in (0, <see cref="MaxTolerance"/>].</summary>
    public double AbsoluteTolerance { get; set; } = 1e-5;
    /// <summary>The start time of the integration, in (0, 1); null uses the SDE's sampling epsilon (score_sde: 1e-5).</summary>
    public double? Epsilon { get; set; }
    /// <summary>
    /// Added to every bits-per-dimension value: the change of variables from the data's scale to the one the likelihood is
    /// quoted on. For 8-bit pixels scaled to [0, 1], 8 (= log2 256); to [-1, 1], 7; for continuous data, 0. At most
    /// <see cref="MaxBitsOffset"/> either way.
    /// </summary>
    public double BitsOffset { get; set; }
    /// <summary>Uniform dequantisation: each value gets U[0, width) noise first (for [0,1]-scaled 8-bit pixels, 1/256); 0 for none.
    /// At most 1, the quantisation step of integer-valued data: wider noise blurs neighbouring values together.</summary>
    public double DequantizationWidth { get; set; }
    /// <summary>Rows per solve; capped at the number of rows.</summary>
    public int BatchSize { get; set; } = 500;
    /// <summary>Seeds the probes and the dequantisation noise. Null (the default) follows the MLContext the score model was
    /// trained or loaded with (drawn from its random source), or 0 for a score without one.</summary>
    public int? Seed { get; set; }

    /// <summary>A shallow copy of these options.</summary>
    internal object CloneShallow() => MemberwiseClone();
    /// <summary>Stops a solve that needs more steps than this (a sign of a broken score model), in [1, <see cref="MaxStepsLimit"/>].</summary>
    public int MaxSteps { get; set; } = 10_000;

    internal void Validate()
    {
        OptionChecks.Defined(Divergence, "LikelihoodOptions.Divergence");
        OptionChecks.InRange(RelativeTolerance, "LikelihoodOptions.RelativeTolerance", 0, MaxTolerance, lowOpen: true);
        OptionChecks.InRange(AbsoluteTolerance, "LikelihoodOptions.AbsoluteTolerance", 0, MaxTolerance, lowOpen: true);
        OptionChecks.InRange(Epsilon, "LikelihoodOptions.Epsilon", 0, 1, lowOpen: true, highOpen: true);
        OptionChecks.InRange(BitsOffset, "LikelihoodOptions.BitsOffset", -MaxBitsOffset, MaxBitsOffset);
        OptionChecks.InRange(DequantizationWidth, "LikelihoodOptions.DequantizationWidth", 0, 1);
        OptionChecks.InRange(BatchSize, "LikelihoodOptions.BatchSize", 1, int.MaxValue);
        OptionChecks.InRange(MaxSteps, "LikelihoodOptions.MaxSteps", 1, MaxStepsLimit);
    }
}
