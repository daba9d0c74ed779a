namespace ScoreML.Trainers.Training;

/// <summary>The checks both trainers' options share (the run's length, Adam, clipping, threads, progress, loss weighting, checkpoints).</summary>
internal static class TrainingOptionChecks
{
    public static void Validate(int? steps, int? epochs, int batchSize, double learningRate, double adamBeta1, double adamBeta2,
        double adamEpsilon, double? gradientClipNorm, int? threads, int progressInterval, double weightingExponent)
    {
        if (steps is not null && epochs is not null) throw new ArgumentException("Give Steps or Epochs, not both.", "Epochs");
        if (steps is int s && s <= 0) throw new ArgumentOutOfRangeException("Steps", s, "Steps must be positive.");
        if (epochs is int e && e <= 0) throw new ArgumentOutOfRangeException("Epochs", e, "Epochs must be positive.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException("BatchSize", batchSize, "BatchSize must be positive.");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException("LearningRate", learningRate, "LearningRate must be positive and finite.");
        if (!(adamBeta1 >= 0 && adamBeta1 < 1)) throw new ArgumentOutOfRangeException("AdamBeta1", adamBeta1, "AdamBeta1 must lie in [0, 1).");
        if (!(adamBeta2 >= 0 && adamBeta2 < 1)) throw new ArgumentOutOfRangeException("AdamBeta2", adamBeta2, "AdamBeta2 must lie in [0, 1).");
        if (!(adamEpsilon > 0)) throw new ArgumentOutOfRangeException("AdamEpsilon", adamEpsilon, "AdamEpsilon must be positive.");
        if (gradientClipNorm is double c && !(c > 0)) throw new ArgumentOutOfRangeException("GradientClipNorm", c, "GradientClipNorm must be positive (or null for no clipping).");
        if (threads is int t && t <= 0) throw new ArgumentOutOfRangeException("Threads", t, "Threads must be positive.");
        if (progressInterval <= 0) throw new ArgumentOutOfRangeException("ProgressInterval", progressInterval, "ProgressInterval must be positive.");
        if (!double.IsFinite(weightingExponent) || weightingExponent < 0 || weightingExponent > 4)
            throw new ArgumentOutOfRangeException("WeightingExponent", weightingExponent, "WeightingExponent must lie in [0, 4].");
    }

    public static void ValidateCheckpoints(string? checkpointPath, int checkpointInterval, string? resumeFrom)
    {
        if (checkpointPath is not null && string.IsNullOrWhiteSpace(checkpointPath)) throw new ArgumentException("CheckpointPath must name a file (or be null).", "CheckpointPath");
        if (checkpointPath is not null && checkpointInterval <= 0) throw new ArgumentOutOfRangeException("CheckpointInterval", checkpointInterval, "CheckpointInterval must be positive.");
        if (resumeFrom is not null && string.IsNullOrWhiteSpace(resumeFrom)) throw new ArgumentException("ResumeFrom must name a checkpoint file (or be null).", "ResumeFrom");
    }
}
