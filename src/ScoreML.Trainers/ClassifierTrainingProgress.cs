namespace ScoreML;

/// <summary>One progress report of a classifier training run.</summary>
/// <param name="Step">Steps done so far (1-based).</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Loss">The loss that was minimised at this step.</param>
/// <param name="CrossEntropy">Its cross-entropy term (measured whatever the built-in loss; NaN for a custom loss that gives none).</param>
/// <param name="Dlsm">Its DLSM term, or NaN when the loss has none (cross-entropy alone).</param>
/// <param name="StepsPerSecond">Throughput since the previous report.</param>
public readonly record struct ClassifierTrainingProgress(int Step, int TotalSteps, float Loss, float CrossEntropy, float Dlsm, double StepsPerSecond)
{
    /// <summary>Wall time this run (this process's part of it, for a resumed run) has trained so far.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The estimated time to the last step, from this run's mean speed so far.</summary>
    public TimeSpan Remaining { get; init; }
}
