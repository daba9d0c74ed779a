namespace ScoreML;

/// <summary>One progress report of a training run.</summary>
/// <param name="Step">Steps done so far (1-based).</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Loss">The loss of this step.</param>
/// <param name="StepsPerSecond">Throughput since the previous report.</param>
public readonly record struct TrainingProgress(int Step, int TotalSteps, float Loss, double StepsPerSecond)
{
    /// <summary>Wall time this run (this process's part of it, for a resumed run) has trained so far.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The estimated time to the last step, from this run's mean speed so far.</summary>
    public TimeSpan Remaining { get; init; }

    /// <summary>The trainer's own values of this step besides the loss (e.g. a classifier's cross-entropy term), by name.</summary>
    public IReadOnlyList<KeyValuePair<string, float>> Terms { get; init; } = Array.Empty<KeyValuePair<string, float>>();
}
