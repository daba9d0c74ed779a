using ScoreML.Trainers.Training;
namespace ScoreML;

/// <summary>One progress report of a training run.</summary>
/// <param name="Step">Steps done so far (1-based).</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Loss">The loss of this step.</param>
/// <param name="StepsPerSecond">Throughput since the previous report.</param>
public readonly record struct TrainingProgress(int Step, int TotalSteps, float Loss, double StepsPerSecond);
