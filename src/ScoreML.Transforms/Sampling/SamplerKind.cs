namespace ScoreML;

/// <summary>How samples are drawn from a score model.</summary>
public enum SamplerKind
{
    /// <summary>Song et al. 2021's predictor-corrector sampler over the reverse-time SDE.</summary>
    PredictorCorrector,
    /// <summary>Song and Ermon 2019's annealed Langevin dynamics over discrete noise levels (VE models only).</summary>
    AnnealedLangevin,
    /// <summary>The probability-flow ODE, integrated with Heun's method (deterministic given the prior draw).</summary>
    ProbabilityFlowOde,
    /// <summary>A sampler of your own, <see cref="SamplerOptions.CustomSampler"/> (which is used whenever it is set).</summary>
    Custom,
    /// <summary>DDIM (Song, Meng and Ermon 2021) with <see cref="SamplerOptions.Eta"/>: one network evaluation a step, first
    /// order; eta = 0 is deterministic. <see cref="DdimSampler"/>.</summary>
    Ddim,
    /// <summary>EDM's second-order Heun sampler over the Karras schedule (Karras et al. 2022), with optional stochastic churn:
    /// N steps cost 2N - 1 evaluations. <see cref="HeunSampler"/>.</summary>
    Heun,
    /// <summary>DPM-Solver++(2M) (Lu et al. 2022): multistep, second order, one evaluation a step. <see cref="DpmSolver2MSampler"/>.</summary>
    DpmSolver2M,
    /// <summary>DPM-Solver++(3S): singlestep, third order, three evaluations a step. <see cref="DpmSolver3SSampler"/>.</summary>
    DpmSolver3S,
    /// <summary>The probability-flow ODE with adaptive Dormand-Prince RK45 steps to <see cref="SamplerOptions.RelativeTolerance"/>
    /// and <see cref="SamplerOptions.AbsoluteTolerance"/> (score_sde's ODE sampler). <see cref="AdaptiveOdeSampler"/>.</summary>
    AdaptiveOde,
}

/// <summary>The built-in predictor of the PC sampler (<see cref="SamplerOptions.CustomPredictor"/>, when set, replaces it).</summary>
public enum PredictorKind
{
    /// <summary>x_mean = x - (f - G^2 s); x = x_mean + G z on the SDE's own discretisation.</summary>
    ReverseDiffusion,
    /// <summary>Euler-Maruyama on the reverse SDE with dt = -1/N.</summary>
    EulerMaruyama,
    /// <summary>No predictor (corrector-only sampling).</summary>
    None,
}

/// <summary>The built-in corrector of the PC sampler (<see cref="SamplerOptions.CustomCorrector"/>, when set, replaces it).</summary>
public enum CorrectorKind
{
    /// <summary>Langevin MCMC with a step size set by the signal-to-noise ratio.</summary>
    Langevin,
    /// <summary>No corrector (predictor-only sampling).</summary>
    None,
}
