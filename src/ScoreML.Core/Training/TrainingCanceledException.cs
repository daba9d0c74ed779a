namespace ScoreML;

/// <summary>
/// Thrown by a trainer's Fit (or <see cref="TrainingRun.Run"/>) when its options' CancellationToken was cancelled or
/// <c>MLContext.CancelExecution()</c> was called. Training stopped between two steps and
/// wrote a checkpoint of that point to <see cref="CheckpointPath"/>; fitting again with the same options and data and
/// ResumeFrom set to that path continues the run as if it had not stopped.
/// </summary>
public sealed class TrainingCanceledException : OperationCanceledException
{
    /// <param name="message">What stopped and where its checkpoint is.</param>
    /// <param name="checkpointPath">The full path of the checkpoint written when training stopped.</param>
    /// <param name="step">The steps done when training stopped.</param>
    /// <param name="token">The token that was canceled (none when MLContext.CancelExecution() stopped the run).</param>
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
