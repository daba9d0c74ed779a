namespace ScoreML;

/// <summary>One progress report of a classifier training run.</summary>
/// <param name="Step">Steps done so far (1-based).</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Loss">The loss that was minimised at this step.</param>
/// <param name="CrossEntropy">Its cross-entropy term (measured whatever the loss).</param>
/// <param name="Dlsm">Its DLSM term, or NaN when the loss is cross-entropy alone.</param>
/// <param name="StepsPerSecond">Throughput since the previous report.</param>
public readonly record struct ClassifierTrainingProgress(int Step, int TotalSteps, float Loss, float CrossEntropy, float Dlsm, double StepsPerSecond);
