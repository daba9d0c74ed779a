using ScoreML.Networks;
using ScoreML.Trainers.Training;
using ScoreML.Transforms.Sampling;

namespace ScoreML;

/// <summary>Everything a score-model training run takes. Defaults suit 2-D toy data on a CPU.</summary>
public sealed class ScoreModelOptions
{
    /// <summary>The largest data dimension <see cref="Objective.Exact"/> accepts: its trace costs one backward pass per dimension.</summary>
    public const int ExactMaxDimension = 64;

    /// <summary>The most SSM projections per point: Song et al. 2019 find 1 enough, the estimator's variance falls only as 1/M, and
    /// each projection repeats the batch in memory.</summary>
    public const int MaxProjections = 100;

    /// <summary>The LCSS gamma range [1/<see cref="MaxLcssGamma"/>, <see cref="MaxLcssGamma"/>]: the loss's optimum is the true score
    /// divided by gamma, so a gamma far from 1 learns a score scaled far off.</summary>
    public const double MaxLcssGamma = 100;

    /// <summary>The largest Adam weight decay (an L2 term wd w added to the gradient; score_sde: 0): above 1 the pull to zero
    /// outweighs the loss's gradient on any weight of unit size.</summary>
    public const double MaxWeightDecay = 1;

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

    /// <summary>Optimiser steps, at most 10,000,000. Give this or <see cref="Epochs"/>; with neither, 5000 steps.</summary>
    public int? Steps { get; set; }

    /// <summary>Passes over the data (each step takes one batch of a per-epoch shuffle); at most 10,000,000 steps in all.</summary>
    public int? Epochs { get; set; }

    /// <summary>Rows per step; capped at the number of rows.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>Adam's learning rate, in (0, 1].</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Adam's beta1, in [0, 1).</summary>
    public double AdamBeta1 { get; set; } = 0.9;
    /// <summary>Adam's beta2, in [0, 1).</summary>
    public double AdamBeta2 { get; set; } = 0.999;
    /// <summary>Adam's epsilon, in (0, 1].</summary>
    public double AdamEpsilon { get; set; } = 1e-8;
    /// <summary>Adam's (L2) weight decay, in [0, <see cref="MaxWeightDecay"/>].</summary>
    public double WeightDecay { get; set; }

    /// <summary>Linear learning-rate warm-up over this many steps (score_sde: 5000 on CIFAR-10); 0 for none, at most 10,000,000.</summary>
    public int WarmupSteps { get; set; }

    /// <summary>Clip the global gradient norm to this finite positive value (score_sde: 1); null for no clipping.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>Decay of the exponential moving average of the weights used for sampling (score_sde: 0.999); null for none.</summary>
    public double? EmaDecay { get; set; } = 0.999;

    /// <summary>Seeds the initialisation, the batches and the noise: the same seed gives the same model on the CPU.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>libtorch intra-op threads, in [1, 1024]; null leaves TorchSharp's setting alone.</summary>
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

    /// <summary>SSM and FD-SSM: number M of projections per point, in [1, <see cref="MaxProjections"/>].</summary>
    public int Projections { get; set; } = 1;

    /// <summary>SSM and FD-SSM: distribution of the projections.</summary>
    public ProjectionKind ProjectionKind { get; set; } = ProjectionKind.Rademacher;

    /// <summary>FD-SSM: the difference step h as a multiple of the noise std, in (0, 1]: a step of a whole std no longer measures a
    /// derivative at the noise level's scale.</summary>
    public double FiniteDifferenceStep { get; set; } = 0.05;

    /// <summary>
    /// The loss weight lambda(sigma) = sigma^(2 WeightingExponent). 1 (default) is the usual lambda = sigma^2, under which every
    /// noise level contributes on the same scale; the DLSM toy code uses 2 ("weighting 2"), which favours large noise.
    /// </summary>
    public double WeightingExponent { get; set; } = 1;

    /// <summary>LCSS: gamma, the weight of |s|^2/2 against the Stein term (1 = the plain objective), in [0.01, <see cref="MaxLcssGamma"/>].</summary>
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
        OptionChecks.InRange(WeightDecay, nameof(WeightDecay), 0, MaxWeightDecay);
        OptionChecks.InRange(WarmupSteps, nameof(WarmupSteps), 0, TrainingOptionChecks.MaxSteps);
        if (EmaDecay is double d && !(d >= 0 && d < 1)) throw new ArgumentOutOfRangeException(nameof(EmaDecay), d, "EmaDecay must lie in [0, 1) (or null for no averaging).");
        TrainingOptionChecks.ValidateCheckpoints(CheckpointPath, CheckpointInterval, ResumeFrom);
        OptionChecks.InRange(Projections, nameof(Projections), 1, MaxProjections);
        OptionChecks.InRange(FiniteDifferenceStep, nameof(FiniteDifferenceStep), 0, 1, lowOpen: true);
        OptionChecks.InRange(LcssGamma, nameof(LcssGamma), 1 / MaxLcssGamma, MaxLcssGamma);
        OptionChecks.Defined(Objective, nameof(Objective));
        OptionChecks.Defined(ProjectionKind, nameof(ProjectionKind));
        (Sde ?? throw new ArgumentNullException(nameof(Sde))).Validate();
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
