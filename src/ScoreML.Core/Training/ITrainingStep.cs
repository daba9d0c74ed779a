using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// What a trainer adds to a <see cref="TrainingRun"/>: its loss on a batch. The run does everything else the same way for
/// every trainer (batches, Adam, warm-up, clipping, the weight average, the NaN stop, checkpoints, progress, cancellation).
/// </summary>
public interface ITrainingStep
{
    /// <summary>
    /// The scalar loss to minimise on <paramref name="batch"/>, with a graph back to the network's weights. It runs inside the
    /// step's dispose scope, so the tensors it makes are freed after the step; draw any randomness from
    /// <see cref="TrainingBatch.Generator"/> so that the same seed gives the same run (and a resumed run continues it).
    /// </summary>
    Tensor Loss(TrainingBatch batch);

    /// <summary>
    /// Values of the last step besides the loss, by name, for progress reports and the log (e.g. a classifier's cross-entropy
    /// term). Read only at report steps; none by default.
    /// </summary>
    IReadOnlyList<KeyValuePair<string, float>> Terms => Array.Empty<KeyValuePair<string, float>>();

    /// <summary>Called after every step with the number of steps done (after the progress report, before any checkpoint).</summary>
    void StepCompleted(int stepsDone) { }

    /// <summary>Writes state of the trainer's own that a resumed run needs (after the run's own state); nothing by default.</summary>
    void SaveState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="SaveState"/> wrote.</summary>
    void LoadState(BinaryReader reader) { }
}
