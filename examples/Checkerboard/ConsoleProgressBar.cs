using ScoreML.Trainers.Training;

namespace Checkerboard;

/// <summary>A one-line progress bar on an interactive console; a line every 10% when output is redirected.</summary>
internal sealed class ConsoleProgressBar : IProgress<TrainingProgress>
{
    readonly string label;
    int lastDecile = -1;

    public ConsoleProgressBar(string label) => this.label = label;

    public void Report(TrainingProgress value)
    {
        double fraction = (double)value.Step / value.TotalSteps;
        if (Console.IsOutputRedirected)
        {
            int decile = (int)(fraction * 10);
            if (decile == lastDecile) return;
            lastDecile = decile;
            Console.WriteLine($"  {label}: step {value.Step}/{value.TotalSteps}  loss {value.Loss,10:G4}  {value.StepsPerSecond,7:F0} steps/s");
            return;
        }
        int filled = (int)(fraction * 30);
        Console.Write($"\r  {label,-6} [{new string('#', filled)}{new string('.', 30 - filled)}] {value.Step}/{value.TotalSteps}  loss {value.Loss,10:G4}  {value.StepsPerSecond,7:F0} steps/s");
        if (value.Step == value.TotalSteps) Console.WriteLine();
    }
}
