using System.Diagnostics;

namespace ScoreML.Trainers.Training;

/// <summary>When a training loop reports progress (every interval and at the last step) and logs (every tenth of the run), and its speed in between.</summary>
internal sealed class ProgressClock
{
    readonly int totalSteps;
    readonly int interval;
    readonly Stopwatch clock = Stopwatch.StartNew();
    int lastReport;

    /// <param name="firstStep">The steps already done (a resumed run), so the first rate counts only this run's steps.</param>
    public ProgressClock(int totalSteps, int interval, int firstStep = 0)
    {
        this.totalSteps = totalSteps;
        this.interval = interval;
        lastReport = firstStep;
    }

    /// <summary>True when <paramref name="done"/> steps call for an IProgress report.</summary>
    public bool IsReportStep(int done) => done % interval == 0 || done == totalSteps;

    /// <summary>True when <paramref name="done"/> steps call for a log line (ten per run).</summary>
    public bool IsLogStep(int done) => done % Math.Max(1, totalSteps / 10) == 0 || done == totalSteps;

    /// <summary>Steps per second since the previous call; restarts the measurement.</summary>
    public double StepsPerSecond(int done)
    {
        double rate = (done - lastReport) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        clock.Restart();
        lastReport = done;
        return rate;
    }
}
