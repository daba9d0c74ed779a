namespace ScoreML;

/// <summary>
/// How the sigma-based samplers (<see cref="SamplerKind.Ddim"/>, <see cref="SamplerKind.Heun"/>, <see cref="SamplerKind.DpmSolver2M"/>,
/// <see cref="SamplerKind.DpmSolver3S"/>) space their noise levels between sigma(T) and sigma(epsilon), where sigma(t) is the
/// SDE's <see cref="StochasticDifferentialEquation.Sigma"/>. Every schedule ends with a final step to sigma = 0, the
/// denoised sample.
/// </summary>
public enum SigmaScheduleKind
{
    /// <summary>Karras et al. 2022 (EDM): sigma_i = (smax^(1/rho) + i/(N-1) (smin^(1/rho) - smax^(1/rho)))^rho with rho =
    /// <see cref="SamplerOptions.Rho"/>: dense at small noise, where the ODE bends most.</summary>
    Karras,
    /// <summary>Times t_i evenly spaced from T to epsilon, sigma_i = sigma(t_i): the training grid (DDIM's and diffusers' "linspace").</summary>
    UniformTime,
    /// <summary>log sigma evenly spaced, i.e. even steps of the log signal-to-noise ratio lambda = -log sigma (DPM-Solver's "logSNR").</summary>
    LogSnrUniform,
}
