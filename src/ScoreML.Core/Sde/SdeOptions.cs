namespace ScoreML;

/// <summary>The forward SDE of a score model and its parameters.</summary>
public sealed class SdeOptions
{
    /// <summary>
    /// The smallest noise std a VE model may use: float32 data carry about 7 significant digits, so noise below 1e-6 of the
    /// data's unit scale is rounded away (score_sde and NCSN use 0.01).
    /// </summary>
    public const double MinSigma = 1e-6;

    /// <summary>
    /// The largest noise std a VE model may use: score_sde's largest is 1348 (FFHQ 1024x1024); beyond 1e6 the prior's variance
    /// and the score's range 1/SigmaMin to 1/SigmaMax stretch float32 past what a network learns.
    /// </summary>
    public const double MaxSigma = 1e6;

    /// <summary>
    /// The largest beta of a VP or sub-VP model: score_sde uses 20, and at 100 the data's share of x(t) is already below
    /// e^-6 halfway through the time range, so a larger value leaves most of the time grid pure noise.
    /// </summary>
    public const double MaxBeta = 100;

    /// <summary>Which SDE (default variance exploding).</summary>
    public SdeKind Kind { get; set; } = SdeKind.VarianceExploding;

    /// <summary>VE: smallest noise std (score_sde default 0.01), in [<see cref="MinSigma"/>, SigmaMax).</summary>
    public double SigmaMin { get; set; } = 0.01;

    /// <summary>
    /// VE: largest noise std. Null (the default) takes it from the training data: the largest pairwise
    /// Euclidean distance (Song and Ermon 2020, technique 1), measured on up to 2000 rows. At most <see cref="MaxSigma"/>.
    /// </summary>
    public double? SigmaMax { get; set; }

    /// <summary>VP and sub-VP: beta(0) (score_sde default 0.1), positive and below BetaMax.</summary>
    public double BetaMin { get; set; } = 0.1;

    /// <summary>VP and sub-VP: beta(1) (score_sde default 20), at most <see cref="MaxBeta"/>.</summary>
    public double BetaMax { get; set; } = 20;

    /// <summary>Builds the SDE; <paramref name="dataSigmaMax"/> is used when <see cref="SigmaMax"/> is null.</summary>
    public StochasticDifferentialEquation Create(double dataSigmaMax) => Kind switch
    {
        SdeKind.VarianceExploding => new VeSde(SigmaMin, SigmaMax ?? dataSigmaMax),
        SdeKind.VariancePreserving => new VpSde(BetaMin, BetaMax),
        SdeKind.SubVariancePreserving => new SubVpSde(BetaMin, BetaMax),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown SDE kind."),
    };

    /// <summary>Checks every parameter, whichever SDE uses it; names the option at fault (as "Sde.SigmaMin", its place in ScoreModelOptions).</summary>
    public void Validate()
    {
        OptionChecks.Defined(Kind, "Sde.Kind");
        OptionChecks.InRange(SigmaMin, "Sde.SigmaMin", MinSigma, MaxSigma, highOpen: true);
        OptionChecks.InRange(SigmaMax, "Sde.SigmaMax", MinSigma, MaxSigma, lowOpen: true);
        if (SigmaMax is double smax && !(SigmaMin < smax))
            throw new ArgumentOutOfRangeException(nameof(SigmaMax), smax, $"Sde.SigmaMin ({SigmaMin}) must be smaller than Sde.SigmaMax ({smax}).");
        OptionChecks.InRange(BetaMin, "Sde.BetaMin", 0, MaxBeta, lowOpen: true, highOpen: true);
        OptionChecks.InRange(BetaMax, "Sde.BetaMax", 0, MaxBeta, lowOpen: true);
        if (!(BetaMin < BetaMax))
            throw new ArgumentOutOfRangeException(nameof(BetaMin), BetaMin, $"Sde.BetaMin must be smaller than Sde.BetaMax ({BetaMax}).");
    }

    internal SdeOptions Clone() => (SdeOptions)MemberwiseClone();
}
