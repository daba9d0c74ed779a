
namespace ScoreML.Examples;

/// <summary>A one-line progress bar on an interactive console; a line every 10% when output is redirected.</summary>
internal sealed class ConsoleProgressBar : IProgress<TrainingProgress>, IProgress<ClassifierTrainingProgress>
{
    readonly string label;
    int lastDecile = -1;

    public ConsoleProgressBar(string label) => this.label = label;

    public void Report(TrainingProgress value) => Show(value.Step, value.TotalSteps, value.Loss, value.StepsPerSecond, value.Remaining);

    public void Report(ClassifierTrainingProgress value) => Show(value.Step, value.TotalSteps, value.Loss, value.StepsPerSecond, value.Remaining);

    void Show(int step, int totalSteps, float loss, double stepsPerSecond, TimeSpan remaining)
    {
        string left = step == totalSteps ? "" : $"  {(int)remaining.TotalMinutes}:{remaining.Seconds:00} left";
        double fraction = (double)step / totalSteps;
        if (Console.IsOutputRedirected)
        {
            int decile = (int)(fraction * 10);
            if (decile == lastDecile) return;
            lastDecile = decile;
            Console.WriteLine($"  {label}: step {step}/{totalSteps}  loss {loss,10:G4}  {stepsPerSecond,7:F0} steps/s{left}");
            return;
        }
        int filled = (int)(fraction * 30);
        Console.Write($"\r  {label,-12} [{new string('#', filled)}{new string('.', 30 - filled)}] {step}/{totalSteps}  loss {loss,10:G4}  {stepsPerSecond,7:F0} steps/s{left}   ");
        if (step == totalSteps) Console.WriteLine();
    }
}
