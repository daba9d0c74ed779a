using System.Text.Json.Serialization;

namespace ScoreML;

/// <summary>Options of the samplers. Defaults follow score_sde (PC) and NCSN (annealed Langevin).</summary>
public sealed class SamplerOptions
{
    /// <summary>The most steps <see cref="Steps"/> and a run of annealed Langevin dynamics (NoiseLevels x StepsPerLevel) may take:
    /// a hundred times score_sde's 1000 (NCSNv2's longest schedule takes about 7000); a larger count only makes a run last days.</summary>
    public const int MaxSteps = 100_000;

    /// <summary>The most corrector steps per time step: score_sde uses 1 or 2; every one costs a network evaluation.</summary>
    public const int MaxCorrectorSteps = 100;

    /// <summary>
    /// The largest <see cref="Snr"/>. The corrector's step is 2 alpha (r |z| / |s|)^2; on a Gaussian of variance v its ratio to v
    /// is about 2 r^2, and Langevin steps of more than 2 v throw the state further out with every step, so r = 1 is the edge.
    /// </summary>
    public const double MaxSnr = 1;

    /// <summary>
    /// The largest annealed-Langevin <see cref="StepSize"/>. The step at the smallest level is StepSize itself, and Langevin steps
    /// above about 2 SigmaMin^2 diverge (NCSN: 2e-5 with SigmaMin 0.01); 1 already diverges for every model with SigmaMin below 0.7.
    /// </summary>
    public const double MaxStepSize = 1;

    /// <summary>The built-in sampler to use; <see cref="SamplerKind.Custom"/> needs <see cref="CustomSampler"/>.</summary>
    public SamplerKind Kind { get; set; } = SamplerKind.PredictorCorrector;

    /// <summary>
    /// A sampler of your own (derived from <see cref="ScoreML.Sampler"/>): when set, every ScoreML transformer samples with it
    /// and <see cref="Kind"/> is ignored. A model holding one can be saved once its type is registered with
    /// <see cref="ScoreMLRegistry"/>; its public settable properties are saved with it.
    /// </summary>
    [JsonIgnore]   // saved as a registered component (its contract name and settings), not as part of these options
    public Sampler? CustomSampler { get; set; }

    /// <summary>Number of time steps N of the PC sampler, the fixed-step ODE and the sigma-based samplers (DDIM, Heun,
    /// DPM-Solver++: N noise levels, then the final step to sigma = 0), in [1, <see cref="MaxSteps"/>]. The default suits the PC
    /// sampler; the fast samplers need 10-50 (or set <see cref="Evaluations"/>). For a VP or sub-VP model the PC sampler's
    /// reverse-diffusion predictor and Langevin corrector also need N above the SDE's BetaMax.</summary>
    public int Steps { get; set; } = 1000;

    /// <summary>
    /// A budget of network evaluations (NFE) per sample, in [1, <see cref="MaxSteps"/>], or null to use <see cref="Steps"/>. When set,
    /// the sampler takes as many steps as the budget allows: DDIM and DPM-Solver++(2M) N = NFE, Heun N = (NFE + 1) / 2 (2N - 1
    /// evaluations), DPM-Solver++(3S) N = (NFE - 1) / 3 + 1, the PC sampler N = NFE / (1 + CorrectorSteps) (rounded down, at least
    /// one step). It does not apply to annealed Langevin dynamics or the adaptive ODE, which refuse it. Guided sampling costs
    /// the classifier's gradient on top of each evaluation.
    /// </summary>
    public int? Evaluations { get; set; }

    /// <summary>The noise levels of the sigma-based samplers (DDIM, Heun, DPM-Solver++); null uses each sampler's own default
    /// (DDIM: <see cref="SigmaScheduleKind.UniformTime"/>; Heun and DPM-Solver++: <see cref="SigmaScheduleKind.Karras"/>).</summary>
    public SigmaScheduleKind? SigmaSchedule { get; set; }

    /// <summary>The largest <see cref="Rho"/>: as rho grows the Karras schedule tends to <see cref="SigmaScheduleKind.LogSnrUniform"/>
    /// (use that), and sigma^(1/rho) loses its precision.</summary>
    public const double MaxRho = 100;

    /// <summary>The largest <see cref="ChurnNoise"/>: EDM uses 1 to 1.007; twice the noise the raised level calls for is already
    /// far outside what any sampler setting in the literature uses.</summary>
    public const double MaxChurnNoise = 2;

    /// <summary>rho of the <see cref="SigmaScheduleKind.Karras"/> schedule, in (0, <see cref="MaxRho"/>] (EDM: 7; larger puts more steps at small noise).</summary>
    public double Rho { get; set; } = 7;

    /// <summary>DDIM's eta in [0, 1]: 0 deterministic (the default), 1 DDPM-like ancestral noise.</summary>
    public double Eta { get; set; }

    /// <summary>EDM's S_churn, at least 0: the Heun sampler's stochasticity (0, the default, is the deterministic sampler; EDM uses
    /// 10-80 on ImageNet). Each step within [<see cref="ChurnMinSigma"/>, <see cref="ChurnMaxSigma"/>] raises sigma by a factor
    /// 1 + min(Churn / N, sqrt 2 - 1) with fresh noise.</summary>
    public double Churn { get; set; }

    /// <summary>EDM's S_tmin, at least 0: churn applies only at noise levels at or above it.</summary>
    public double ChurnMinSigma { get; set; }

    /// <summary>EDM's S_tmax: churn applies only at noise levels at or below it; null for no upper limit (EDM's infinity).</summary>
    public double? ChurnMaxSigma { get; set; }

    /// <summary>EDM's S_noise, in (0, <see cref="MaxChurnNoise"/>]: the scale of the churn's fresh noise (EDM: 1 to 1.007).</summary>
    public double ChurnNoise { get; set; } = 1;

    /// <summary>Relative tolerance of the adaptive ODE sampler's RK45 steps, in (0, 1] (score_sde: 1e-5).</summary>
    public double RelativeTolerance { get; set; } = 1e-5;

    /// <summary>Absolute tolerance of the adaptive ODE sampler's RK45 steps, in (0, 1] (score_sde: 1e-5); in the data's units.</summary>
    public double AbsoluteTolerance { get; set; } = 1e-5;

    /// <summary>The PC sampler's built-in predictor (default reverse diffusion; None for corrector-only sampling);
    /// <see cref="CustomPredictor"/> replaces it.</summary>
    public PredictorKind Predictor { get; set; } = PredictorKind.ReverseDiffusion;
    /// <summary>The PC sampler's built-in corrector (default Langevin; None for predictor-only sampling);
    /// <see cref="CustomCorrector"/> replaces it.</summary>
    public CorrectorKind Corrector { get; set; } = CorrectorKind.Langevin;

    /// <summary>A predictor of your own for the PC sampler (derived from <see cref="ScoreML.Predictor"/>): when set it replaces
    /// <see cref="Predictor"/>. Saving needs its type registered with <see cref="ScoreMLRegistry"/>.</summary>
    [JsonIgnore]
    public Predictor? CustomPredictor { get; set; }

    /// <summary>A corrector of your own for the PC sampler (derived from <see cref="ScoreML.Corrector"/>): when set it replaces
    /// <see cref="Corrector"/> and runs <see cref="CorrectorSteps"/> times per step. Saving needs its type registered with
    /// <see cref="ScoreMLRegistry"/>.</summary>
    [JsonIgnore]
    public Corrector? CustomCorrector { get; set; }

    /// <summary>Signal-to-noise ratio r of the Langevin corrector, in (0, <see cref="MaxSnr"/>] (score_sde CIFAR-10 VE: 0.16).</summary>
    public double Snr { get; set; } = 0.16;

    /// <summary>Corrector steps per time step, in [0, <see cref="MaxCorrectorSteps"/>].</summary>
    public int CorrectorSteps { get; set; } = 1;

    /// <summary>
    /// The Langevin corrector's step 2 alpha (Snr |z| / |s|)^2 from norms averaged over the batch, as score_sde has it, instead of
    /// each row's own step 2 alpha Snr^2 sigma_t^2 (<see cref="ScoreML.LangevinCorrector"/>). Off by default: with it a row's
    /// sample depends on the batch size and on the other rows in its batch.
    /// </summary>
    public bool CorrectorBatchMeanNorms { get; set; }

    /// <summary>The final time, in (0, 1); null uses the SDE's default (1e-5 for VE, 1e-3 for VP).</summary>
    public double? Epsilon { get; set; }

    /// <summary>Annealed Langevin: number L of noise levels from SigmaMax down to SigmaMin, in [2, <see cref="MaxSteps"/>].</summary>
    public int NoiseLevels { get; set; } = 10;

    /// <summary>Annealed Langevin: spacing of the noise levels.</summary>
    public NoiseScheduleKind NoiseSchedule { get; set; } = NoiseScheduleKind.Geometric;

    /// <summary>Annealed Langevin: steps T per level, at least 1; NoiseLevels x StepsPerLevel is at most <see cref="MaxSteps"/>.</summary>
    public int StepsPerLevel { get; set; } = 100;

    /// <summary>Annealed Langevin: eps in the step size eps * sigma_i^2 / sigma_L^2, in (0, <see cref="MaxStepSize"/>] (NCSN: 2e-5).</summary>
    public double StepSize { get; set; } = 2e-5;

    /// <summary>Annealed Langevin: finish with one denoising step x + sigma_L^2 s(x, sigma_L).</summary>
    public bool DenoiseLastStep { get; set; } = true;

    /// <summary>Rows generated together. Samples do not depend on it (each row draws its own noise) unless
    /// <see cref="CorrectorBatchMeanNorms"/> is set. A batch never holds more rows than were asked for, so any positive size is safe.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Seed of the sampling noise (any value). A row's sample depends only on the seed and the row's place in the
    /// requests: the same seed gives the same samples, whatever the batch size. Null (the default) follows the MLContext, as
    /// ML.NET's trainers do: a transformer made from a model trained or loaded with <c>new MLContext(seed: s)</c> draws its seed
    /// from that context's random source when it is made (so the same program gives the same samples), and keeps it, saved
    /// models included. A transformer of a model built by hand, with no MLContext, takes 0.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Receives the sampling progress of the transformers (rows done, the batch's step, elapsed time and an estimate of the time
    /// left), about a hundred reports per batch. Not saved with a model.
    /// </summary>
    [JsonIgnore]
    public IProgress<SamplingProgress>? Progress { get; set; }

    /// <summary>
    /// Canceling stops the transformers' sampling before the next step and throws <see cref="OperationCanceledException"/>;
    /// <c>MLContext.CancelExecution()</c> on the context the model was trained or loaded with does the same. Not saved with a model.
    /// </summary>
    [JsonIgnore]
    public CancellationToken CancellationToken { get; set; }

    /// <summary>The seed the transformers sample with: <see cref="Seed"/>, which they fill in when they are made (0 if still unset).</summary>
    internal int SeedValue => Seed ?? 0;

    /// <summary>A copy with <see cref="Seed"/> filled in: as it is, or drawn from <paramref name="environment"/>'s random source, or 0
    /// without one.</summary>
    internal SamplerOptions WithSeedFrom(Microsoft.ML.Runtime.IHostEnvironment? environment, string component)
    {
        var copy = Clone();
        copy.Seed = Seed ?? environment?.Register(component).Rand.Next() ?? 0;
        return copy;
    }

    /// <summary>
    /// Called after every step with the step's index (from 0) and the batch's current state [rows, dimension] (the PC sampler's
    /// noise-free x_mean): to record denoising trajectories, e.g. as a strip image. The tensor is valid only during the call;
    /// copy what you keep. It does not change the samples.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]   // code, not settings: a saved model does not keep it
    public Action<int, TorchSharp.torch.Tensor>? StepObserver { get; set; }

    /// <summary>Checks every option, whichever sampler uses it; names the option at fault.</summary>
    public void Validate()
    {
        OptionChecks.Defined(Kind, "Sampler.Kind");
        OptionChecks.Defined(Predictor, "Sampler.Predictor");
        OptionChecks.Defined(Corrector, "Sampler.Corrector");
        OptionChecks.Defined(NoiseSchedule, "Sampler.NoiseSchedule");
        OptionChecks.InRange(Steps, "Sampler.Steps", 1, MaxSteps);
        OptionChecks.InRange(BatchSize, "Sampler.BatchSize", 1, int.MaxValue);
        OptionChecks.InRange(Snr, "Sampler.Snr", 0, MaxSnr, lowOpen: true);
        OptionChecks.InRange(CorrectorSteps, "Sampler.CorrectorSteps", 0, MaxCorrectorSteps);
        OptionChecks.InRange(Epsilon, "Sampler.Epsilon", 0, 1, lowOpen: true, highOpen: true);
        OptionChecks.InRange(NoiseLevels, "Sampler.NoiseLevels", 2, MaxSteps);
        OptionChecks.InRange(StepsPerLevel, "Sampler.StepsPerLevel", 1, MaxSteps);
        if ((long)NoiseLevels * StepsPerLevel > MaxSteps)
            throw OptionChecks.Refusal("Sampler.StepsPerLevel", $"small enough that Sampler.NoiseLevels x Sampler.StepsPerLevel is at most {MaxSteps}", $"{NoiseLevels} x {StepsPerLevel}");
        OptionChecks.InRange(StepSize, "Sampler.StepSize", 0, MaxStepSize, lowOpen: true);
        OptionChecks.InRange(Evaluations, "Sampler.Evaluations", 1, MaxSteps);
        if (SigmaSchedule is SigmaScheduleKind schedule) OptionChecks.Defined(schedule, "Sampler.SigmaSchedule");
        OptionChecks.InRange(Rho, "Sampler.Rho", 0, MaxRho, lowOpen: true);
        OptionChecks.InRange(Eta, "Sampler.Eta", 0, 1);
        OptionChecks.NotNegative(Churn, "Sampler.Churn");
        OptionChecks.NotNegative(ChurnMinSigma, "Sampler.ChurnMinSigma");
        if (ChurnMaxSigma is double churnMax && !(double.IsFinite(churnMax) && churnMax >= ChurnMinSigma))
            throw OptionChecks.Refusal("Sampler.ChurnMaxSigma", "null or a finite number of at least Sampler.ChurnMinSigma", OptionChecks.Format(churnMax));
        OptionChecks.InRange(ChurnNoise, "Sampler.ChurnNoise", 0, MaxChurnNoise, lowOpen: true);
        OptionChecks.InRange(RelativeTolerance, "Sampler.RelativeTolerance", 0, 1, lowOpen: true);
        OptionChecks.InRange(AbsoluteTolerance, "Sampler.AbsoluteTolerance", 0, 1, lowOpen: true);
        if (Evaluations is not null && CustomSampler is null && Kind is SamplerKind.AnnealedLangevin or SamplerKind.AdaptiveOde)
            throw new ArgumentException($"Sampler.Evaluations does not apply to the {Kind} sampler (" + (Kind == SamplerKind.AdaptiveOde
                ? "its tolerances, Sampler.RelativeTolerance and Sampler.AbsoluteTolerance, set its cost" : "Sampler.NoiseLevels x Sampler.StepsPerLevel set its cost") +
                "); leave it null.", nameof(Evaluations));
        if (Kind == SamplerKind.Custom && CustomSampler is null)
            throw new ArgumentException("Sampler.Kind is Custom but Sampler.CustomSampler is null: set CustomSampler to your sampler.", nameof(CustomSampler));
        if (CustomSampler is null && Kind == SamplerKind.PredictorCorrector && ResolvePredictor() is null && ResolveCorrector() is null)
            throw new ArgumentException("A predictor-corrector sampler needs a predictor, a corrector or both.", nameof(Predictor));
    }

    /// <summary>A copy of these options; the custom sampler, predictor and corrector instances are shared, not copied.</summary>
    public SamplerOptions Clone() => (SamplerOptions)MemberwiseClone();

    static readonly PredictorCorrectorSampler predictorCorrector = new();
    static readonly AnnealedLangevinSampler annealedLangevin = new();
    static readonly ProbabilityFlowOdeSampler probabilityFlowOde = new();
    static readonly ReverseDiffusionPredictor reverseDiffusion = new();
    static readonly EulerMaruyamaPredictor eulerMaruyama = new();
    static readonly LangevinCorrector langevin = new();
    static readonly DdimSampler ddim = new();
    static readonly HeunSampler heun = new();
    static readonly DpmSolver2MSampler dpmSolver2M = new();
    static readonly DpmSolver3SSampler dpmSolver3S = new();
    static readonly AdaptiveOdeSampler adaptiveOde = new();

    /// <summary>The sampler that runs: <see cref="CustomSampler"/>, else the built-in <see cref="Kind"/> names.</summary>
    internal Sampler ResolveSampler() => CustomSampler ?? Kind switch
    {
        SamplerKind.PredictorCorrector => predictorCorrector,
        SamplerKind.AnnealedLangevin => annealedLangevin,
        SamplerKind.ProbabilityFlowOde => probabilityFlowOde,
        SamplerKind.Ddim => ddim,
        SamplerKind.Heun => heun,
        SamplerKind.DpmSolver2M => dpmSolver2M,
        SamplerKind.DpmSolver3S => dpmSolver3S,
        SamplerKind.AdaptiveOde => adaptiveOde,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Sampler.Kind names no built-in sampler; set Sampler.CustomSampler."),
    };

    /// <summary>The PC sampler's predictor: <see cref="CustomPredictor"/>, else the built-in <see cref="Predictor"/> names; null for none.</summary>
    internal Predictor? ResolvePredictor() => CustomPredictor ?? Predictor switch
    {
        PredictorKind.ReverseDiffusion => reverseDiffusion,
        PredictorKind.EulerMaruyama => eulerMaruyama,
        _ => null,
    };

    /// <summary>The PC sampler's corrector: <see cref="CustomCorrector"/>, else the built-in <see cref="Corrector"/> names; null for none.</summary>
    internal Corrector? ResolveCorrector() => CustomCorrector ?? Corrector switch
    {
        CorrectorKind.Langevin => langevin,
        _ => null,
    };
}
