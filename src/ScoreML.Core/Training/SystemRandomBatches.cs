using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// Batches chosen by <see cref="System.Random"/>: <see cref="BatchOrder.ShuffledBySystemRandom"/> or
/// <see cref="BatchOrder.DrawnWithReplacement"/>. System.Random's state cannot be saved, so a run with these orders takes
/// no checkpoints (TrainingRun refuses CheckpointPath and ResumeFrom for them).
/// </summary>
internal sealed class SystemRandomBatches : IBatchSource
{
    readonly Random random;
    readonly int rows;
    readonly int batchSize;
    readonly bool withReplacement;
    readonly Device device;
    long[]? order;

    /// <param name="kind">ShuffledBySystemRandom or DrawnWithReplacement.</param>
    /// <param name="seed">Seeds the System.Random.</param>
    /// <param name="rows">Rows of training data.</param>
    /// <param name="batchSize">Rows per batch; for a shuffle, already capped at <paramref name="rows"/>.</param>
    /// <param name="device">The device the index tensors are made on.</param>
    public SystemRandomBatches(BatchOrder kind, int seed, int rows, int batchSize, Device device)
    {
        random = new Random(seed);
        this.rows = rows;
        this.batchSize = batchSize;
        withReplacement = kind == BatchOrder.DrawnWithReplacement;
        this.device = device;
    }

    int StepsPerEpoch => (rows + batchSize - 1) / batchSize;

    public Tensor Indices(int step)
    {
        if (withReplacement)
            return tensor(Enumerable.Range(0, batchSize).Select(_ => (long)random.Next(rows)).ToArray(), device: device);
        int inEpoch = step % StepsPerEpoch;
        if (inEpoch == 0 || order is null)
            order = Enumerable.Range(0, rows).OrderBy(_ => random.Next()).Select(i => (long)i).ToArray();
        int start = inEpoch * batchSize;
        return tensor(order.AsSpan(start, Math.Min(batchSize, rows - start)).ToArray(), device: device);
    }

    // TrainingRun refuses checkpoints for these orders before training, so these are never reached.
    public void Save(BinaryWriter writer) => throw NotCheckpointable();

    public void Load(BinaryReader reader) => throw NotCheckpointable();

    static InvalidOperationException NotCheckpointable() =>
        new("Batches chosen by System.Random cannot be checkpointed; use BatchOrder.Shuffled.");

    public void Dispose() { }
}
