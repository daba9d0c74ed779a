namespace ScoreML;

/// <summary>How the divergence (the trace of the Jacobian) of a vector field is computed, e.g. the probability-flow ODE's in
/// the likelihood.</summary>
public enum DivergenceEstimator
{
    /// <summary>Hutchinson's estimator with Rademacher probes (one fixed probe per sample, as score_sde).</summary>
    HutchinsonRademacher,
    /// <summary>Hutchinson's estimator with Gaussian probes.</summary>
    HutchinsonGaussian,
    /// <summary>The exact trace of the Jacobian, one backward pass per dimension (low-dimensional data).</summary>
    Exact,
}
