using System.Diagnostics;

namespace ScoreML.Training;

/// <summary>
/// When a training run reports progress (every interval and at the last step) and logs (every tenth of the run), its speed
/// since the previous report, the time it has run and the time it still needs.
/// </summary>
internal sealed class ProgressClock
{
    readonly int totalSteps;
    readonly int interval;
    readonly int firstStep;
    readonly Stopwatch sinceReport = Stopwatch.StartNew();
    readonly Stopwatch sinceStart = Stopwatch.StartNew();
    int lastReport;

    /// <param name="totalSteps">The steps of the whole run, resumed steps included.</param>
    /// <param name="interval">Steps between progress reports, positive.</param>
    /// <param name="firstStep">The steps already done (a resumed run), so rates and the estimate count only this run's steps.</param>
    public ProgressClock(int totalSteps, int interval, int firstStep = 0)
    {
        this.totalSteps = totalSteps;
        this.interval = interval;
        this.firstStep = firstStep;
        lastReport = firstStep;
    }

    /// <summary>True when <paramref name="done"/> steps call for a progress report.</summary>
    public bool IsReportStep(int done) => done % interval == 0 || done == totalSteps;

    /// <summary>True when <paramref name="done"/> steps call for a log line (ten per run).</summary>
    public bool IsLogStep(int done) => done % Math.Max(1, totalSteps / 10) == 0 || done == totalSteps;

    /// <summary>Steps per second since the previous call; restarts the measurement.</summary>
    public double StepsPerSecond(int done)
    {
        double rate = (done - lastReport) / Math.Max(sinceReport.Elapsed.TotalSeconds, 1e-9);
        sinceReport.Restart();
        lastReport = done;
        return rate;
    }

    /// <summary>The wall time since the run started (or resumed).</summary>
    public TimeSpan Elapsed => sinceStart.Elapsed;

    /// <summary>The steps left at this run's mean speed so far.</summary>
    public TimeSpan Remaining(int done)
    {
        int ran = done - firstStep;
        if (ran <= 0) return TimeSpan.Zero;
        return TimeSpan.FromTicks((long)(sinceStart.Elapsed.Ticks / (double)ran * (totalSteps - done)));
    }
}
