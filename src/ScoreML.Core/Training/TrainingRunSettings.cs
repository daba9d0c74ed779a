using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// What a trainer tells a <see cref="TrainingRun"/> besides the user's <see cref="TrainingOptions"/>: what the run is (for
/// checkpoints and messages), its data's size and fingerprint, where it trains, how batches are chosen, and where the run
/// sends its log, progress and cancellation checks.
/// </summary>
public sealed class TrainingRunSettings
{
    /// <summary>Names the trainer in checkpoints and messages, e.g. "ScoreModel": its checkpoint format is "ScoreML.{Trainer}Checkpoint.v1".</summary>
    public string Trainer { get; init; } = "Training";

    /// <summary>The objective or loss, e.g. "Dsm": a checkpoint resumes only a run of the same one.</summary>
    public string Objective { get; init; } = "";

    /// <summary>The number of rows the batches are drawn from.</summary>
    public required int Rows { get; init; }

    /// <summary>The feature values (and <see cref="Labels"/>), hashed into a checkpoint's identity only when one is written or read.</summary>
    public float[]? Values { get; init; }

    /// <summary>The labels, for a classifier; part of the data's fingerprint.</summary>
    public int[]? Labels { get; init; }

    /// <summary>The device the network lives and trains on.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The seed of the run's torch generator (<see cref="TrainingBatch.Generator"/>); by default the options' Seed.</summary>
    public ulong? GeneratorSeed { get; init; }

    /// <summary>How each step's rows are chosen.</summary>
    public BatchOrder BatchOrder { get; init; } = BatchOrder.Shuffled;

    /// <summary>Whether the run honours CheckpointPath and ResumeFrom and writes a checkpoint when canceled; off, it refuses them
    /// and a cancellation throws a plain <see cref="OperationCanceledException"/>.</summary>
    public bool Checkpoints { get; init; } = true;

    /// <summary>Names the loss in the error for a non-finite one, e.g. "The Dsm loss".</summary>
    public string LossName { get; init; } = "The loss";

    /// <summary>What to try after a non-finite loss, appended to the error.</summary>
    public string Remedy { get; init; } = "Lower LearningRate or keep GradientClipNorm set.";

    /// <summary>What is being trained, for a cancellation without checkpoints, e.g. "Training the CAS classifier".</summary>
    public string Description { get; init; } = "Training";

    /// <summary>Receives the run's log lines (resumed, canceled, and ten progress lines per run); the ML.NET trainers send them to their channel.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Receives one line of metrics at every progress report (step, loss, its terms, speed): the ML.NET trainers write
    /// them to their channel as Trace messages, which <c>mlContext.Log</c> shows beside the Info lines of <see cref="Log"/>.</summary>
    public Action<string>? Metrics { get; init; }

    /// <summary>Receives a report every ProgressInterval steps and at the last step.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Asked before every step besides the options' CancellationToken; true stops the run as the token does. The ML.NET
    /// trainers answer whether <c>MLContext.CancelExecution()</c> was called.
    /// </summary>
    public Func<bool>? IsCanceled { get; init; }

    /// <summary>Why the run stopped when <see cref="IsCanceled"/> said so, for messages.</summary>
    public string CanceledBy { get; init; } = "its cancellation callback asked it to stop";
}
