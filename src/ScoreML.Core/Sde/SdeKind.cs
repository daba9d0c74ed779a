namespace ScoreML;

/// <summary>Which forward SDE a score model is trained and sampled with.</summary>
public enum SdeKind
{
    /// <summary>Variance exploding (SMLD / NCSN): noise levels from SigmaMin to SigmaMax.</summary>
    VarianceExploding,
    /// <summary>Variance preserving (DDPM): beta from BetaMin to BetaMax.</summary>
    VariancePreserving,
    /// <summary>Sub-variance preserving.</summary>
    SubVariancePreserving,
}
