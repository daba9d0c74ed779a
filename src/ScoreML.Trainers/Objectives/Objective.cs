namespace ScoreML;

/// <summary>The score-matching objective a score model is trained with. Each is weighted by lambda = sigma^2.</summary>
public enum Objective
{
    /// <summary>Denoising score matching (Vincent 2011; Song and Ermon 2019): |s sigma + z|^2 / 2.</summary>
    Dsm,
    /// <summary>Local curvature smoothing with Stein's identity (Osada et al.): s(x')^T (x' - x)/sigma^2 + |s(x')|^2 / 2, one draw x' per point.</summary>
    Lcss,
    /// <summary>Sliced score matching (Song et al. 2019), variance-reduced: v^T (grad s) v + |s|^2 / 2 with M projections.</summary>
    Ssm,
    /// <summary>Finite-difference sliced score matching (Pang et al. 2020): the projected Jacobian by central differences, no second backward pass.</summary>
    FdSsm,
    /// <summary>Implicit score matching (Hyvarinen 2005) with the full Jacobian trace; D backward passes, so refused above <see cref="ScoreModelOptions.ExactMaxDimension"/>.</summary>
    Exact,
}

/// <summary>The distribution of the SSM projection vectors v (both have E[v v^T] = I).</summary>
public enum ProjectionKind
{
    /// <summary>v ~ N(0, I).</summary>
    Gaussian,
    /// <summary>Each entry of v is -1 or +1 with equal odds (the default of <see cref="ScoreModelOptions.ProjectionKind"/>).</summary>
    Rademacher,
}
