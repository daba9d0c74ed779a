using System.Diagnostics;
using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// The step loop of a <see cref="TrainingRun"/>: it resumes from a checkpoint, runs each step in a dispose scope, stops on a
/// non-finite loss before anything of that step is saved, writes checkpoints on schedule and at the end, and on
/// cancellation (the options' CancellationToken, or the run's extra callback) writes one and throws
/// <see cref="TrainingCanceledException"/>. The caller supplies only the step itself.
/// </summary>
internal sealed class ResumableRun
{
    readonly TrainingState state;
    readonly Lazy<CheckpointIdentity> identity;
    readonly TrainingOptions options;
    readonly TrainingRunSettings settings;
    (string Path, int Step)? lastCheckpoint;

    /// <param name="state">What the run trains and checkpoints; a resumed run's state is read into it here.</param>
    /// <param name="identity">Made only when a checkpoint is written or read (it hashes the data).</param>
    /// <param name="options">The shared options: checkpoint path and interval, ResumeFrom, cancellation.</param>
    /// <param name="settings">The trainer's settings: whether it takes checkpoints, its log, its extra cancellation callback and what its errors name.</param>
    public ResumableRun(TrainingState state, Func<CheckpointIdentity> identity, TrainingOptions options, TrainingRunSettings settings)
    {
        this.state = state;
        this.identity = new Lazy<CheckpointIdentity>(identity);
        this.options = options;
        this.settings = settings;
        if (settings.Checkpoints && options.ResumeFrom is string resumeFrom)
        {
            TrainingCheckpoint.Read(resumeFrom, this.identity.Value, state);
            lastCheckpoint = (Path.GetFullPath(resumeFrom), state.Step);
            settings.Log?.Invoke($"Resumed from checkpoint '{lastCheckpoint.Value.Path}' at step {state.Step}/{state.TotalSteps}.");
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
            if (options.CancellationToken.IsCancellationRequested) Cancel("its CancellationToken was canceled");
            if (settings.IsCanceled?.Invoke() == true) Cancel(settings.CanceledBy);
            var clock = Stopwatch.StartNew();
            float loss;
            using (NewDisposeScope()) loss = step(index);
            state.StepMilliseconds[index] = clock.Elapsed.TotalMilliseconds;
            if (!float.IsFinite(loss)) throw NotFinite($"{settings.LossName} became {loss} at step {index + 1}. {settings.Remedy}");
            state.Losses[index] = loss;
            int done = state.Step = index + 1;
            completed(done, loss);
            if (settings.Checkpoints && options.CheckpointPath is string path && (done % options.CheckpointInterval == 0 || done == state.TotalSteps))
                Save(path);
        }
    }

    void Save(string path)
    {
        string full = Path.GetFullPath(path);
        if (lastCheckpoint == (full, state.Step)) return;
        // A finite loss does not prove finite weights (an infinite gradient can make NaN weights from a finite loss).
        if (state.NonFiniteParameter() is string parameter)
            throw NotFinite($"Weight tensor '{parameter}' became NaN or infinite at step {state.Step}. {settings.Remedy}");
        TrainingCheckpoint.Write(full, identity.Value, state);
        lastCheckpoint = (full, state.Step);
    }

    void Cancel(string why)
    {
        if (!settings.Checkpoints)
            throw new OperationCanceledException($"{settings.Description} was canceled after step {state.Step} of {state.TotalSteps} ({why}).",
                options.CancellationToken);
        string path = options.CheckpointPath ?? Path.Combine(Path.GetTempPath(), $"scoreml-{identity.Value.Trainer}-{Guid.NewGuid():N}.ckpt");
        Save(path);
        string full = Path.GetFullPath(path);
        settings.Log?.Invoke($"Training canceled after step {state.Step}/{state.TotalSteps} ({why}); checkpoint written to '{full}'. Set ResumeFrom to it to continue.");
        throw new TrainingCanceledException($"Training was canceled after step {state.Step} of {state.TotalSteps} ({why}). Its state is saved in checkpoint " +
            $"'{full}'; to continue, fit again with the same options and data and ResumeFrom = that path.", full, state.Step, options.CancellationToken);
    }

    // The checkpoint on disk predates the bad step: the check comes before any write of this step.
    InvalidOperationException NotFinite(string message) => new(lastCheckpoint is (string path, int step)
        ? $"{message} The last good checkpoint, '{path}' (step {step}), is unchanged; to continue from it, set ResumeFrom to it (with, say, a lower LearningRate)."
        : message);
}
