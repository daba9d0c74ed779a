namespace ScoreML.Trainers.Training;

/// <summary>The checkpoint, resume and cancellation options both trainers' options carry, as the shared loop takes them.</summary>
internal sealed record CheckpointSettings(string? Path, int Interval, string? ResumeFrom, CancellationToken CancellationToken);
