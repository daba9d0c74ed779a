namespace ScoreML.Sde;

/// <summary>The forward SDE of a score model and its parameters.</summary>
public sealed class SdeOptions
{
    public SdeKind Kind { get; set; } = SdeKind.VarianceExploding;

    /// <summary>VE: smallest noise std (score_sde default 0.01).</summary>
    public double SigmaMin { get; set; } = 0.01;

    /// <summary>
    /// VE: largest noise std. Null (the default) takes it from the training data: the largest pairwise
    /// Euclidean distance (Song and Ermon 2020, technique 1), measured on up to 2000 rows.
    /// </summary>
    public double? SigmaMax { get; set; }

    /// <summary>VP and sub-VP: beta(0) (score_sde default 0.1).</summary>
    public double BetaMin { get; set; } = 0.1;

    /// <summary>VP and sub-VP: beta(1) (score_sde default 20).</summary>
    public double BetaMax { get; set; } = 20;

    /// <summary>Builds the SDE; <paramref name="dataSigmaMax"/> is used when <see cref="SigmaMax"/> is null.</summary>
    public StochasticDifferentialEquation Create(double dataSigmaMax) => Kind switch
    {
        SdeKind.VarianceExploding => new VeSde(SigmaMin, SigmaMax ?? dataSigmaMax),
        SdeKind.VariancePreserving => new VpSde(BetaMin, BetaMax),
        SdeKind.SubVariancePreserving => new SubVpSde(BetaMin, BetaMax),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown SDE kind."),
    };

    internal SdeOptions Clone() => (SdeOptions)MemberwiseClone();
}
