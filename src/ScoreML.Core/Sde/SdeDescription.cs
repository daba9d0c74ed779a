
namespace ScoreML;

/// <summary>An SDE as the <see cref="SdeOptions"/> that rebuild it exactly (VE with its resolved SigmaMax).</summary>
public static class SdeDescription
{
    /// <summary>The options of <paramref name="sde"/>; throws <see cref="NotSupportedException"/> for an SDE that is not one of
    /// ScoreML's (VE, VP, sub-VP).</summary>
    public static SdeOptions Of(StochasticDifferentialEquation sde) => sde switch
    {
        VeSde ve => new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = ve.SigmaMin, SigmaMax = ve.SigmaMax },
        SubVpSde sub => new SdeOptions { Kind = SdeKind.SubVariancePreserving, BetaMin = sub.BetaMin, BetaMax = sub.BetaMax },
        VpSde vp => new SdeOptions { Kind = SdeKind.VariancePreserving, BetaMin = vp.BetaMin, BetaMax = vp.BetaMax },
        _ => throw new NotSupportedException($"A {sde.GetType().Name} cannot be saved: ScoreML saves its own SDEs (VE, VP, sub-VP) only."),
    };
}
