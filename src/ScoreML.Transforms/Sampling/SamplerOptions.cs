using ScoreML.Sde;

namespace ScoreML.Transforms.Sampling;

/// <summary>Options of the samplers. Defaults follow score_sde (PC) and NCSN (annealed Langevin).</summary>
public sealed class SamplerOptions
{
    public SamplerKind Kind { get; set; } = SamplerKind.PredictorCorrector;

    /// <summary>Number of time steps N of the PC sampler and the ODE.</summary>
    public int Steps { get; set; } = 1000;

    public PredictorKind Predictor { get; set; } = PredictorKind.ReverseDiffusion;
    public CorrectorKind Corrector { get; set; } = CorrectorKind.Langevin;

    /// <summary>Signal-to-noise ratio r of the Langevin corrector (score_sde CIFAR-10 VE: 0.16).</summary>
    public double Snr { get; set; } = 0.16;

    /// <summary>Corrector steps per time step.</summary>
    public int CorrectorSteps { get; set; } = 1;

    /// <summary>The final time; null uses the SDE's default (1e-5 for VE, 1e-3 for VP).</summary>
    public double? Epsilon { get; set; }

    /// <summary>Annealed Langevin: number L of noise levels from SigmaMax down to SigmaMin.</summary>
    public int NoiseLevels { get; set; } = 10;

    /// <summary>Annealed Langevin: spacing of the noise levels.</summary>
    public NoiseScheduleKind NoiseSchedule { get; set; } = NoiseScheduleKind.Geometric;

    /// <summary>Annealed Langevin: steps T per level.</summary>
    public int StepsPerLevel { get; set; } = 100;

    /// <summary>Annealed Langevin: eps in the step size eps * sigma_i^2 / sigma_L^2 (NCSN: 2e-5).</summary>
    public double StepSize { get; set; } = 2e-5;

    /// <summary>Annealed Langevin: finish with one denoising step x + sigma_L^2 s(x, sigma_L).</summary>
    public bool DenoiseLastStep { get; set; } = true;

    /// <summary>Rows generated together; results depend on it (the corrector uses batch-mean norms).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Seed of the sampling noise. The same seed and batch size give the same samples.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Called after every step with the step's index (from 0) and the batch's current state [rows, dimension] (the PC sampler's
    /// noise-free x_mean): to record denoising trajectories, e.g. as a strip image. The tensor is valid only during the call;
    /// copy what you keep. It does not change the samples.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]   // code, not settings: a saved model does not keep it
    public Action<int, TorchSharp.torch.Tensor>? StepObserver { get; set; }

    public void Validate()
    {
        if (Steps <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Sampler.Steps must be positive.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Sampler.BatchSize must be positive.");
        if (!(Snr > 0)) throw new ArgumentOutOfRangeException(nameof(Snr), Snr, "Sampler.Snr must be positive.");
        if (CorrectorSteps < 0) throw new ArgumentOutOfRangeException(nameof(CorrectorSteps), CorrectorSteps, "Sampler.CorrectorSteps cannot be negative.");
        if (Epsilon is double e && !(e > 0 && e < 1)) throw new ArgumentOutOfRangeException(nameof(Epsilon), e, "Sampler.Epsilon must lie in (0, 1).");
        if (NoiseLevels < 2) throw new ArgumentOutOfRangeException(nameof(NoiseLevels), NoiseLevels, "Sampler.NoiseLevels must be at least 2.");
        if (StepsPerLevel <= 0) throw new ArgumentOutOfRangeException(nameof(StepsPerLevel), StepsPerLevel, "Sampler.StepsPerLevel must be positive.");
        if (!(StepSize > 0)) throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "Sampler.StepSize must be positive.");
        if (Kind == SamplerKind.PredictorCorrector && Predictor == PredictorKind.None && Corrector == CorrectorKind.None)
            throw new ArgumentException("A predictor-corrector sampler needs a predictor, a corrector or both.", nameof(Predictor));
    }

    public SamplerOptions Clone() => (SamplerOptions)MemberwiseClone();
}
