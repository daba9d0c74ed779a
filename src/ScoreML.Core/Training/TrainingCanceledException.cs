namespace ScoreML;

/// <summary>
/// Thrown by a trainer's Fit when its options' CancellationToken was cancelled. Training stopped between two steps and
/// wrote a checkpoint of that point to <see cref="CheckpointPath"/>; fitting again with the same options and data and
/// ResumeFrom set to that path continues the run as if it had not stopped.
/// </summary>
public sealed class TrainingCanceledException : OperationCanceledException
{
    public TrainingCanceledException(string message, string checkpointPath, int step, CancellationToken token)
        : base(message, token)
    {
        CheckpointPath = checkpointPath;
        Step = step;
    }

    /// <summary>The full path of the checkpoint written when training stopped.</summary>
    public string CheckpointPath { get; }

    /// <summary>The steps done when training stopped (the step the resumed run starts at).</summary>
    public int Step { get; }
}
