using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Runtime;
using ScoreML.Runtime;

namespace ScoreML.Transforms.Sampling;

/// <summary>
/// Watches one sampling run, batch by batch and step by step: it stops the run when <see cref="SamplerOptions.CancellationToken"/>
/// or the MLContext's <c>CancelExecution()</c> asks, reports progress to <see cref="SamplerOptions.Progress"/> (about a hundred
/// reports per batch) and writes about ten lines per run to the MLContext's log. Samplers reach it through
/// <see cref="SamplingContext.RequireFinite"/>, which every sampler calls after each step, so no sampler has to know about it.
/// </summary>
/// <remarks>Several cursors may read one view at once; a lock keeps the counts whole (the reports then interleave).</remarks>
internal sealed class SamplingMonitor
{
    readonly SamplerOptions options;
    readonly IHost? host;
    readonly long? totalRows;
    readonly object gate = new();
    readonly Stopwatch clock = new();
    long rowsBefore;
    int batchRows;
    int lastLoggedTenth = -1;

    /// <param name="options">The run's options: its progress receiver and cancellation token.</param>
    /// <param name="environment">The MLContext whose log and cancellation the run follows; null for none.</param>
    /// <param name="totalRows">The rows the run will generate, for the estimate of the time left; null when unknown.</param>
    /// <param name="component">The component named in the log (e.g. ScoreModelTransformer).</param>
    public SamplingMonitor(SamplerOptions options, IHostEnvironment? environment, long? totalRows, string component)
    {
        this.options = options;
        host = environment?.Register(component);
        this.totalRows = totalRows;
    }

    /// <summary>A batch of <paramref name="rows"/> rows begins, after <paramref name="rowsBefore"/> rows of this run; a batch at row 0 restarts the clock.</summary>
    public void BeginBatch(long rowsBefore, int rows)
    {
        ThrowIfCanceled(0, 0);
        lock (gate)
        {
            if (rowsBefore == 0 || !clock.IsRunning)
            {
                clock.Restart();
                lastLoggedTenth = -1;
            }
            this.rowsBefore = rowsBefore;
            batchRows = rows;
        }
    }

    /// <summary>Step <paramref name="step"/> (from 0) of <paramref name="steps"/> of the batch is done; a step numbered
    /// <paramref name="steps"/> is a final denoising step after them.</summary>
    public void AfterStep(int step, int steps)
    {
        ThrowIfCanceled(step, steps);
        int done = Math.Min(step + 1, Math.Max(steps, 1));
        int every = Math.Max(1, steps / 100);
        if (options.Progress is null && host is null) return;
        if (done % every != 0 && done != steps) return;
        SamplingProgress report;
        bool log;
        lock (gate)
        {
            double fraction = totalRows is long total && total > 0
                ? Math.Clamp((rowsBefore + batchRows * (done / (double)Math.Max(steps, 1))) / total, 0, 1) : double.NaN;
            var elapsed = clock.Elapsed;
            TimeSpan? remaining = fraction > 0 ? TimeSpan.FromTicks((long)(elapsed.Ticks * (1 - fraction) / fraction)) : null;
            bool batchEnds = done >= steps;
            report = new SamplingProgress(rowsBefore + (batchEnds ? batchRows : 0), totalRows, batchRows, done, Math.Max(steps, 1))
                { Elapsed = elapsed, Remaining = remaining };
            // About ten log lines per run: at each tenth of the rows when the total is known, else at the end of each batch.
            int tenth = double.IsNaN(fraction) ? -1 : (int)Math.Floor(fraction * 10);
            log = host is not null && (double.IsNaN(fraction) ? batchEnds : tenth > lastLoggedTenth);
            if (log && tenth >= 0) lastLoggedTenth = tenth;
        }
        options.Progress?.Report(report);
        if (log) Log(report);
    }

    void Log(SamplingProgress p)
    {
        using var channel = host!.Start("Sample");
        string rows = p.TotalRows is long total ? $"{p.RowsDone}/{total} rows" : $"{p.RowsDone} rows";
        string left = p.Remaining is TimeSpan remaining ? $", about {Describe(remaining)} left" : "";
        channel.Info(MessageSensitivity.None, "{0}",
            string.Create(CultureInfo.InvariantCulture, $"Sampling: {rows} done, step {p.Step}/{p.Steps} of a batch of {p.BatchRows}; {Describe(p.Elapsed)} elapsed{left}."));
    }

    void ThrowIfCanceled(int step, int steps)
    {
        bool byToken = options.CancellationToken.IsCancellationRequested;
        if (!byToken && !(host is not null && HostCancellation.IsCanceled(host))) return;
        string by = byToken ? "SamplerOptions.CancellationToken was canceled" : "MLContext.CancelExecution() was called";
        throw new OperationCanceledException($"Sampling was canceled ({by}) at step {step} of {steps} of the batch starting at row {rowsBefore} " +
            "of this run; no samples of that batch were kept.", byToken ? options.CancellationToken : CancellationToken.None);
    }

    static string Describe(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");
}
