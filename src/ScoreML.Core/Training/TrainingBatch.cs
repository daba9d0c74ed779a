using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>One step's batch of a <see cref="TrainingRun"/>, as its <see cref="ITrainingStep"/> sees it.</summary>
public sealed class TrainingBatch
{
    internal TrainingBatch() { }   // made by the training loop only

    /// <summary>The step's 0-based index.</summary>
    public int Step { get; internal init; }

    /// <summary>The rows of the batch: an int64 tensor of row indices for <c>index_select</c> on the trainer's data.</summary>
    public Tensor Indices { get; internal init; } = null!;

    /// <summary>The run's seeded generator: the source of the step's noise, saved in checkpoints.</summary>
    public Generator Generator { get; internal init; } = null!;

    /// <summary>The device the run trains on.</summary>
    public Device Device { get; internal init; } = null!;
}
