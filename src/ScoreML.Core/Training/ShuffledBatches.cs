using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// Minibatches drawn without replacement: each epoch is a fresh permutation of the rows from a seeded generator, cut
/// into batches (the last one shorter). The same seed gives the same batches.
/// </summary>
internal sealed class ShuffledBatches : IBatchSource
{
    readonly int rows;
    readonly int batchSize;
    readonly Generator generator;
    readonly Device device;
    Tensor? order;

    public ShuffledBatches(int rows, int batchSize, Generator generator, Device device)
    {
        this.rows = rows;
        this.batchSize = Math.Min(batchSize, rows);
        this.generator = generator;
        this.device = device;
    }

    public int StepsPerEpoch => (rows + batchSize - 1) / batchSize;

    /// <summary>The run's length: <paramref name="steps"/>, or that many epochs of batches, or 5000 steps when neither is given.
    /// Epochs of many batches may not add up to more than <see cref="TrainingOptions.MaxSteps"/>.</summary>
    public static int TotalSteps(int? steps, int? epochs, int rows, int batchSize)
    {
        if (steps is int s) return s;
        if (epochs is not int e) return 5000;
        int size = Math.Min(batchSize, rows);
        long perEpoch = ((long)rows + size - 1) / size;
        if (e * perEpoch > TrainingOptions.MaxSteps)
            throw OptionChecks.Refusal("Epochs", $"small enough that Epochs x batches per epoch is at most {TrainingOptions.MaxSteps} steps",
                $"{e} x {perEpoch}");
        return (int)(e * perEpoch);
    }

    /// <summary>The row indices of the batch for <paramref name="step"/> (0-based steps, taken in order).</summary>
    public Tensor Indices(int step)
    {
        int inEpoch = step % StepsPerEpoch;
        if (inEpoch == 0 || order is null)
        {
            order?.Dispose();
            order = randperm(rows, generator: generator, device: device).DetachFromDisposeScope();
        }
        int start = inEpoch * batchSize;
        return order.narrow(0, start, Math.Min(batchSize, rows - start));
    }

    /// <summary>Writes the current epoch's permutation: a run resumed in mid-epoch must take the rest of the same one.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(order is not null);
        order?.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        if (!reader.ReadBoolean()) return;
        using var saved = empty(rows, ScalarType.Int64);   // Load checks the saved shape against this one
        saved.Load(reader);
        order?.Dispose();
        order = saved.to(device).DetachFromDisposeScope();
    }

    public void Dispose() => order?.Dispose();
}
