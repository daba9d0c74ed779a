namespace ScoreML;

/// <summary>
/// The options every ScoreML training run shares: its length, the batches, Adam, warm-up, clipping, the weight average,
/// the seed, the device, checkpoints, cancellation and progress. <c>ScoreModelOptions</c> and
/// <c>DlsmClassifierOptions</c> derive from it and add what their trainer needs; a <see cref="TrainingRun"/> reads
/// only these. The defaults here are the classifier's; a derived class sets its own where they differ (the score model
/// averages its weights, EmaDecay 0.999).
/// </summary>
public class TrainingOptions
{
    /// <summary>The longest run: about ten times score_sde's longest (1.3 M steps on CIFAR-10). A run keeps 12 bytes of loss and
    /// timing per step, so int.MaxValue steps would need 25 GB before the first one.</summary>
    public const int MaxSteps = 10_000_000;

    /// <summary>The largest Adam learning rate: Adam moves every weight by about the rate per step, so above 1 a step is larger than
    /// the weights themselves (score_sde: 2e-4).</summary>
    public const double MaxLearningRate = 1;

    /// <summary>The largest Adam epsilon: beyond 1 it dwarfs the gradients' root mean square and Adam degrades into plain SGD with a
    /// vanishing rate (the usual value is 1e-8).</summary>
    public const double MaxAdamEpsilon = 1;

    /// <summary>The largest Adam weight decay (an L2 term wd w added to the gradient; score_sde: 0): above 1 the pull to zero
    /// outweighs the loss's gradient on any weight of unit size.</summary>
    public const double MaxWeightDecay = 1;

    /// <summary>The most libtorch intra-op threads: more than any machine has cores, and libtorch would start them all.</summary>
    public const int MaxThreads = 1024;

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

    /// <summary>Adam's (L2) weight decay, in [0, <see cref="MaxWeightDecay"/>]; 0 for none.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Linear learning-rate warm-up over this many steps (score_sde: 5000 on CIFAR-10); 0 for none, at most 10,000,000.</summary>
    public int WarmupSteps { get; set; }

    /// <summary>Clip the global gradient norm to this finite positive value (score_sde: 1); null for no clipping.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>
    /// Decay of an exponential moving average of the weights, in [0, 1), which replaces the weights at the end of the run
    /// (score_sde: 0.999); null for none.
    /// </summary>
    public double? EmaDecay { get; set; }

    /// <summary>
    /// Seeds the initialisation, the batches and the noise: the same seed gives the same model on the CPU. Null (the default)
    /// follows the MLContext, as ML.NET's own trainers do: the trainer draws the run's seed from the context's random source, so
    /// <c>new MLContext(seed: s)</c> gives the same model on every run and <c>new MLContext()</c> a different one. A
    /// <see cref="TrainingRun"/> of your own, which has no MLContext, takes <see cref="DefaultSeed"/>.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>The seed a <see cref="TrainingRun"/> takes when <see cref="Seed"/> is null and no MLContext chose one.</summary>
    public const int DefaultSeed = 1;

    /// <summary>
    /// A shallow copy of these options with <see cref="Seed"/> set: the seed itself, or one drawn from
    /// <paramref name="host"/>'s random source when it is null. Trainers run with the copy, so the user's options stay unset.
    /// </summary>
    internal T WithSeedFrom<T>(Microsoft.ML.Runtime.IHost host) where T : TrainingOptions
    {
        var copy = (T)MemberwiseClone();
        copy.Seed = Seed ?? host.Rand.Next();
        return copy;
    }

    /// <summary>libtorch intra-op threads, in [1, 1024]; null leaves TorchSharp's setting alone.</summary>
    public int? Threads { get; set; }

    /// <summary>"cpu", "cuda" or "cuda:N"; null follows MLContext.GpuDeviceId and FallbackToCpu (a trainer may narrow this).</summary>
    public string? Device { get; set; }

    /// <summary>
    /// Write a checkpoint (weights, EMA, Adam state, random state, step) to this file every <see cref="CheckpointInterval"/>
    /// steps and at the end. Each is written to a temporary file and renamed over the previous one, so a crash leaves the
    /// previous checkpoint intact.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Steps between two checkpoints (with a <see cref="CheckpointPath"/>); a checkpoint is also written at the end.</summary>
    public int CheckpointInterval { get; set; } = 1000;

    /// <summary>
    /// Continue the run saved in this checkpoint at its step. It must come from a run with the same objective or loss, network,
    /// seed, batch size, steps and data; on the CPU the result is then bit-identical to a run that never stopped.
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// Cancelling stops training before the next step, writes a checkpoint (to <see cref="CheckpointPath"/>, or to a new
    /// file in the temporary folder) and throws <see cref="TrainingCanceledException"/>, which names it.
    /// <c>MLContext.CancelExecution()</c> does the same for the ML.NET trainers.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Steps between two progress reports (a report is also made at the last step).</summary>
    public int ProgressInterval { get; set; } = 10;

    /// <summary>Checks every shared option; names the option at fault. Derived options call it from theirs.</summary>
    public virtual void Validate()
    {
        if (Steps is not null && Epochs is not null) throw new ArgumentException("Give Steps or Epochs, not both.", nameof(Epochs));
        OptionChecks.InRange(Steps, nameof(Steps), 1, MaxSteps);
        OptionChecks.InRange(Epochs, nameof(Epochs), 1, MaxSteps);
        OptionChecks.InRange(BatchSize, nameof(BatchSize), 1, int.MaxValue);   // capped at the number of rows, so any size is safe
        OptionChecks.InRange(LearningRate, nameof(LearningRate), 0, MaxLearningRate, lowOpen: true);
        OptionChecks.InRange(AdamBeta1, nameof(AdamBeta1), 0, 1, highOpen: true);
        OptionChecks.InRange(AdamBeta2, nameof(AdamBeta2), 0, 1, highOpen: true);
        OptionChecks.InRange(AdamEpsilon, nameof(AdamEpsilon), 0, MaxAdamEpsilon, lowOpen: true);
        OptionChecks.InRange(WeightDecay, nameof(WeightDecay), 0, MaxWeightDecay);
        OptionChecks.InRange(WarmupSteps, nameof(WarmupSteps), 0, MaxSteps);
        if (GradientClipNorm is double c) OptionChecks.Positive(c, nameof(GradientClipNorm));   // any finite bound; null for no clipping
        OptionChecks.InRange(EmaDecay, nameof(EmaDecay), 0, 1, highOpen: true);
        OptionChecks.InRange(Threads, nameof(Threads), 1, MaxThreads);
        OptionChecks.InRange(ProgressInterval, nameof(ProgressInterval), 1, int.MaxValue);
        if (CheckpointPath is not null && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException("CheckpointPath must name a file (or be null).", nameof(CheckpointPath));
        OptionChecks.InRange(CheckpointInterval, nameof(CheckpointInterval), 1, int.MaxValue);   // with or without a CheckpointPath
        if (ResumeFrom is not null && string.IsNullOrWhiteSpace(ResumeFrom))
            throw new ArgumentException("ResumeFrom must name a checkpoint file (or be null).", nameof(ResumeFrom));
    }
}
