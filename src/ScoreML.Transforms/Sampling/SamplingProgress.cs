namespace ScoreML;

/// <summary>
/// One progress report of a sampling run (<see cref="SamplerOptions.Progress"/>): how many rows are done, where the batch in
/// progress stands, the time so far and an estimate of the time left.
/// </summary>
/// <param name="RowsDone">Rows whose samples are finished, counted from the first row this run generates.</param>
/// <param name="TotalRows">Rows the run will generate; null when the request view does not know its length.</param>
/// <param name="BatchRows">Rows in the batch in progress.</param>
/// <param name="Step">Steps the batch in progress has taken (1-based), of <paramref name="Steps"/>.</param>
/// <param name="Steps">Steps a batch takes (1 for the adaptive ODE sampler, whose step count is not known in advance).</param>
public readonly record struct SamplingProgress(long RowsDone, long? TotalRows, int BatchRows, int Step, int Steps)
{
    /// <summary>Wall time since the run started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The estimated time to the last row from the run's speed so far; null when <see cref="TotalRows"/> is unknown.</summary>
    public TimeSpan? Remaining { get; init; }
}
