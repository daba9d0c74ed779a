using System.Diagnostics;
using Microsoft.ML.Runtime;
using ScoreML.Runtime;
using static TorchSharp.torch;

namespace ScoreML.Trainers.Training;

/// <summary>
/// The step loop both trainers share: it resumes from a checkpoint, runs each step in a dispose scope, stops on a
/// non-finite loss before anything of that step is saved, writes checkpoints on schedule and at the end, and on
/// cancellation (the options' CancellationToken, or <c>MLContext.CancelExecution()</c> through the host) writes one and
/// throws <see cref="TrainingCanceledException"/>. The trainers supply only the step itself.
/// </summary>
internal sealed class ResumableRun
{
    readonly TrainingState state;
    readonly Lazy<CheckpointIdentity> identity;
    readonly CheckpointSettings settings;
    readonly IHost host;
    readonly IChannel channel;
    readonly string lossName;
    readonly string remedy;
    (string Path, int Step)? lastCheckpoint;

    /// <param name="identity">Made only when a checkpoint is written or read (it hashes the data).</param>
    /// <param name="lossName">Names the loss in the error for a non-finite one, e.g. "The Dsm loss".</param>
    /// <param name="remedy">What to try after a non-finite loss.</param>
    public ResumableRun(TrainingState state, Func<CheckpointIdentity> identity, CheckpointSettings settings, IHost host, IChannel channel, string lossName, string remedy)
    {
        this.state = state;
        this.identity = new Lazy<CheckpointIdentity>(identity);
        this.settings = settings;
        this.host = host;
        this.channel = channel;
        this.lossName = lossName;
        this.remedy = remedy;
        if (settings.ResumeFrom is string resumeFrom)
        {
            TrainingCheckpoint.Read(resumeFrom, this.identity.Value, state);
            lastCheckpoint = (Path.GetFullPath(resumeFrom), state.Step);
            channel.Info(MessageSensitivity.None, "Resumed from checkpoint '{0}' at step {1}/{2}.", lastCheckpoint.Value.Path, state.Step, state.TotalSteps);
        }
    }

    /// <summary>The step the run starts at: 0, or the step of the checkpoint it resumed from.</summary>
    public int FirstStep => state.Step;

    /// <summary>
    /// Runs the remaining steps. <paramref name="step"/> takes the 0-based step and returns its loss (it runs inside a
    /// dispose scope); <paramref name="completed"/> takes the number of steps done and the loss, for progress reports.
    /// </summary>
    public void Run(Func<int, float> step, Action<int, float> completed)
    {
        for (int index = state.Step; index < state.TotalSteps; index++)
        {
            // Two flag reads per step; checked here rather than inside the step so the saved state is whole.
            if (settings.CancellationToken.IsCancellationRequested) Cancel("its CancellationToken was canceled");
            if (HostCancellation.IsCanceled(host)) Cancel("MLContext.CancelExecution() was called");
            var clock = Stopwatch.StartNew();
            float loss;
            using (NewDisposeScope()) loss = step(index);
            state.StepMilliseconds[index] = clock.Elapsed.TotalMilliseconds;
            if (!float.IsFinite(loss)) throw NotFinite($"{lossName} became {loss} at step {index + 1}. {remedy}");
            state.Losses[index] = loss;
            int done = state.Step = index + 1;
            completed(done, loss);
            if (settings.Path is string path && (done % settings.Interval == 0 || done == state.TotalSteps)) Save(path);
        }
    }

    void Save(string path)
    {
        string full = Path.GetFullPath(path);
        if (lastCheckpoint == (full, state.Step)) return;
        // A finite loss does not prove finite weights (an infinite gradient can make NaN weights from a finite loss).
        if (state.NonFiniteParameter() is string parameter)
            throw NotFinite($"Weight tensor '{parameter}' became NaN or infinite at step {state.Step}. {remedy}");
        TrainingCheckpoint.Write(full, identity.Value, state);
        lastCheckpoint = (full, state.Step);
    }

    void Cancel(string why)
    {
        string path = settings.Path ?? Path.Combine(Path.GetTempPath(), $"scoreml-{identity.Value.Trainer}-{Guid.NewGuid():N}.ckpt");
        Save(path);
        string full = Path.GetFullPath(path);
        channel.Info(MessageSensitivity.None, "Training canceled after step {0}/{1} ({2}); checkpoint written to '{3}'. Set ResumeFrom to it to continue.",
            state.Step, state.TotalSteps, why, full);
        throw new TrainingCanceledException($"Training was canceled after step {state.Step} of {state.TotalSteps} ({why}). Its state is saved in checkpoint " +
            $"'{full}'; to continue, fit again with the same options and data and ResumeFrom = that path.", full, state.Step, settings.CancellationToken);
    }

    // The checkpoint on disk predates the bad step: the check comes before any write of this step.
    InvalidOperationException NotFinite(string message) => new(lastCheckpoint is (string path, int step)
        ? $"{message} The last good checkpoint, '{path}' (step {step}), is unchanged; to continue from it, set ResumeFrom to it (with, say, a lower LearningRate)."
        : message);
}
