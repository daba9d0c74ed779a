namespace ScoreML.Trainers.Training;

/// <summary>The checks both trainers' options share (the run's length, Adam, clipping, threads, progress, loss weighting, checkpoints).</summary>
internal static class TrainingOptionChecks
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

    /// <summary>The most libtorch intra-op threads: more than any machine has cores, and libtorch would start them all.</summary>
    public const int MaxThreads = 1024;

    public static void Validate(int? steps, int? epochs, int batchSize, double learningRate, double adamBeta1, double adamBeta2,
        double adamEpsilon, double? gradientClipNorm, int? threads, int progressInterval, double weightingExponent)
    {
        if (steps is not null && epochs is not null) throw new ArgumentException("Give Steps or Epochs, not both.", "Epochs");
        OptionChecks.InRange(steps, "Steps", 1, MaxSteps);
        OptionChecks.InRange(epochs, "Epochs", 1, MaxSteps);
        OptionChecks.InRange(batchSize, "BatchSize", 1, int.MaxValue);   // capped at the number of rows, so any size is safe
        OptionChecks.InRange(learningRate, "LearningRate", 0, MaxLearningRate, lowOpen: true);
        OptionChecks.InRange(adamBeta1, "AdamBeta1", 0, 1, highOpen: true);
        OptionChecks.InRange(adamBeta2, "AdamBeta2", 0, 1, highOpen: true);
        OptionChecks.InRange(adamEpsilon, "AdamEpsilon", 0, MaxAdamEpsilon, lowOpen: true);
        if (gradientClipNorm is double c) OptionChecks.Positive(c, "GradientClipNorm");   // any finite bound; null for no clipping
        OptionChecks.InRange(threads, "Threads", 1, MaxThreads);
        OptionChecks.InRange(progressInterval, "ProgressInterval", 1, int.MaxValue);
        OptionChecks.InRange(weightingExponent, "WeightingExponent", 0, 4);
    }

    public static void ValidateCheckpoints(string? checkpointPath, int checkpointInterval, string? resumeFrom)
    {
        if (checkpointPath is not null && string.IsNullOrWhiteSpace(checkpointPath)) throw new ArgumentException("CheckpointPath must name a file (or be null).", "CheckpointPath");
        OptionChecks.InRange(checkpointInterval, "CheckpointInterval", 1, int.MaxValue);   // with or without a CheckpointPath
        if (resumeFrom is not null && string.IsNullOrWhiteSpace(resumeFrom)) throw new ArgumentException("ResumeFrom must name a checkpoint file (or be null).", "ResumeFrom");
    }
}
