using ScoreML.Networks;
using ScoreML.Sde;
using ScoreML.Trainers.Objectives;
using ScoreML.Trainers.Training;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Trainers;

/// <summary>Everything a score-model training run takes. Defaults suit 2-D toy data on a CPU.</summary>
public sealed class ScoreModelOptions
{
    /// <summary>The largest data dimension <see cref="Objective.Exact"/> accepts: its trace costs one backward pass per dimension.</summary>
    public const int ExactMaxDimension = 64;

    /// <summary>The fixed-size float vector column to learn the distribution of.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The column the fitted transformer adds, one sample per input row.</summary>
    public string OutputColumnName { get; set; } = "Generated";

    public Objective Objective { get; set; } = Objective.Dsm;

    /// <summary>The forward SDE (VE with SigmaMax from the data by default).</summary>
    public SdeOptions Sde { get; set; } = new();

    /// <summary>The MLP's shape and noise conditioning.</summary>
    public NetworkOptions Network { get; set; } = new();

    /// <summary>
    /// Views each row as an image of this shape and trains a <see cref="NoiseConditionalUNet"/> (<see cref="UNet"/>) instead of
    /// the MLP. Left null, a column typed as an image (channels x height x width, as ML.NET's <c>ExtractPixels</c> and the
    /// project's IDX and CIFAR readers type it) is viewed as one, and any other column is a plain vector.
    /// </summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>The U-Net's shape, for image data.</summary>
    public UNetOptions UNet { get; set; } = new();

    /// <summary>How the fitted transformer samples.</summary>
    public SamplerOptions Sampler { get; set; } = new();

    /// <summary>Optimiser steps. Give this or <see cref="Epochs"/>; with neither, 5000 steps.</summary>
    public int? Steps { get; set; }

    /// <summary>Passes over the data (each step takes one batch of a per-epoch shuffle).</summary>
    public int? Epochs { get; set; }

    /// <summary>Rows per step; capped at the number of rows.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; set; } = 1e-3;

    public double AdamBeta1 { get; set; } = 0.9;
    public double AdamBeta2 { get; set; } = 0.999;
    public double AdamEpsilon { get; set; } = 1e-8;
    public double WeightDecay { get; set; }

    /// <summary>Linear learning-rate warm-up over this many steps (score_sde: 5000 on CIFAR-10); 0 for none.</summary>
    public int WarmupSteps { get; set; }

    /// <summary>Clip the global gradient norm to this value (score_sde: 1); null for no clipping.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>Decay of the exponential moving average of the weights used for sampling (score_sde: 0.999); null for none.</summary>
    public double? EmaDecay { get; set; } = 0.999;

    /// <summary>Seeds the initialisation, the batches and the noise: the same seed gives the same model on the CPU.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>libtorch intra-op threads; null leaves TorchSharp's setting alone.</summary>
    public int? Threads { get; set; }

    /// <summary>"cpu", "cuda" or "cuda:N"; null follows MLContext.GpuDeviceId and FallbackToCpu.</summary>
    public string? Device { get; set; }

    /// <summary>
    /// Write a checkpoint (weights, EMA, Adam state, random state, step) to this file every <see cref="CheckpointInterval"/>
    /// steps and at the end. Each is written to a temporary file and renamed over the previous one, so a crash leaves the
    /// previous checkpoint intact.
    /// </summary>
    public string? CheckpointPath { get; set; }

    public int CheckpointInterval { get; set; } = 1000;

    /// <summary>
    /// Continue the run saved in this checkpoint at its step. It must come from a run with the same objective, network,
    /// seed, batch size, steps and data; on the CPU the result is then bit-identical to a run that never stopped.
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// Cancelling stops training before the next step, writes a checkpoint (to <see cref="CheckpointPath"/>, or to a new
    /// file in the temporary folder) and throws <see cref="TrainingCanceledException"/>, which names it.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>SSM and FD-SSM: number M of projections per point.</summary>
    public int Projections { get; set; } = 1;

    /// <summary>SSM and FD-SSM: distribution of the projections.</summary>
    public ProjectionKind ProjectionKind { get; set; } = ProjectionKind.Rademacher;

    /// <summary>FD-SSM: the difference step h as a multiple of the noise std.</summary>
    public double FiniteDifferenceStep { get; set; } = 0.05;

    /// <summary>
    /// The loss weight lambda(sigma) = sigma^(2 WeightingExponent). 1 (default) is the usual lambda = sigma^2, under which every
    /// noise level contributes on the same scale; the DLSM toy code uses 2 ("weighting 2"), which favours large noise.
    /// </summary>
    public double WeightingExponent { get; set; } = 1;

    /// <summary>LCSS: gamma, the weight of |s|^2/2 against the Stein term (1 = the plain objective).</summary>
    public double LcssGamma { get; set; } = 1.0;

    /// <summary>Receives one report every <see cref="ProgressInterval"/> steps and at the last step.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    public int ProgressInterval { get; set; } = 10;

    internal CheckpointSettings Checkpoints => new(CheckpointPath, CheckpointInterval, ResumeFrom, CancellationToken);

    /// <summary>Checks every option that does not depend on the data; names the option at fault.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("OutputColumnName must name a column.", nameof(OutputColumnName));
        TrainingOptionChecks.Validate(Steps, Epochs, BatchSize, LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, GradientClipNorm, Threads,
            ProgressInterval, WeightingExponent);
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay cannot be negative.");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "WarmupSteps cannot be negative.");
        if (EmaDecay is double d && !(d >= 0 && d < 1)) throw new ArgumentOutOfRangeException(nameof(EmaDecay), d, "EmaDecay must lie in [0, 1) (or null for no averaging).");
        TrainingOptionChecks.ValidateCheckpoints(CheckpointPath, CheckpointInterval, ResumeFrom);
        if (Projections <= 0) throw new ArgumentOutOfRangeException(nameof(Projections), Projections, "Projections must be positive.");
        if (!(FiniteDifferenceStep > 0)) throw new ArgumentOutOfRangeException(nameof(FiniteDifferenceStep), FiniteDifferenceStep, "FiniteDifferenceStep must be positive.");
        if (!(LcssGamma > 0)) throw new ArgumentOutOfRangeException(nameof(LcssGamma), LcssGamma, "LcssGamma must be positive.");
        if (Sde is null) throw new ArgumentNullException(nameof(Sde));
        if (Sde.SigmaMax is double smax && !(Sde.SigmaMin < smax))
            throw new ArgumentOutOfRangeException(nameof(Sde.SigmaMax), smax, $"Sde.SigmaMin ({Sde.SigmaMin}) must be smaller than Sde.SigmaMax ({smax}).");
        if (!(Sde.SigmaMin > 0)) throw new ArgumentOutOfRangeException(nameof(Sde.SigmaMin), Sde.SigmaMin, "Sde.SigmaMin must be positive.");
        if (!(Sde.BetaMin > 0 && Sde.BetaMin < Sde.BetaMax)) throw new ArgumentOutOfRangeException(nameof(Sde.BetaMin), Sde.BetaMin, $"Sde.BetaMin must be positive and smaller than Sde.BetaMax ({Sde.BetaMax}).");
        (Network ?? throw new ArgumentNullException(nameof(Network))).Validate();
        (UNet ?? throw new ArgumentNullException(nameof(UNet))).Validate();
        (Sampler ?? throw new ArgumentNullException(nameof(Sampler))).Validate();
    }

    /// <summary>Checks what depends on the data's dimension.</summary>
    public void ValidateFor(int dimension)
    {
        ImageShape?.Validate(dimension, $"ScoreModelOptions.ImageShape (column '{FeatureColumnName}')");
        if (Objective == Objective.Exact && dimension > ExactMaxDimension)
            throw new ArgumentException($"Objective Exact computes the full Jacobian trace with one backward pass per dimension and accepts at most " +
                $"{ExactMaxDimension} dimensions; column '{FeatureColumnName}' has {dimension}. Use Ssm, FdSsm, Lcss or Dsm.", nameof(Objective));
    }
}
