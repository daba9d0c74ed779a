using System.Runtime.InteropServices;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// What a checkpoint belongs to: the trainer, its objective or loss, the run's seed, batch size, length and data, and the
/// network's tensors. A run resumes only from a checkpoint of the same identity; anything else would continue some other
/// run's optimiser state on this run's data and silently give a model neither run would have made. Hyperparameters
/// that do not change the layout (learning rate, clipping, warm-up) are left out on purpose: resuming with a lower
/// learning rate after a NaN stop is legitimate.
/// </summary>
/// <param name="Trainer">"ScoreModel" or "DlsmClassifier": part of the file's format name.</param>
/// <param name="Objective">The score model's objective or the classifier's loss.</param>
/// <param name="Seed">The run's seed (TrainingOptions.Seed).</param>
/// <param name="BatchSize">Rows per step, after capping at the number of rows.</param>
/// <param name="Rows">Rows of training data.</param>
/// <param name="TotalSteps">The steps the whole run takes.</param>
/// <param name="HasEma">Whether the run keeps a moving average of the weights.</param>
/// <param name="DataFingerprint">A SHA-256 prefix of the feature values (and labels).</param>
/// <param name="Tensors">The network's parameters and buffers, in state_dict order.</param>
internal sealed record CheckpointIdentity(string Trainer, string Objective, int Seed, int BatchSize, int Rows, int TotalSteps, bool HasEma,
    string DataFingerprint, IReadOnlyList<(string Name, long[] Shape)> Tensors)
{
    const int MaxTensors = 1 << 20;
    const int MaxRank = 16;

    /// <summary>The identity of a run of <paramref name="network"/> on these rows (and labels, for a classifier).</summary>
    public static CheckpointIdentity Of(string trainer, string objective, int seed, int batchSize, int rows, int totalSteps, bool hasEma,
        nn.Module network, float[] values, int[]? labels = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(values.AsSpan()));
        if (labels is not null) hash.AppendData(MemoryMarshal.AsBytes(labels.AsSpan()));
        var tensors = network.state_dict().Select(entry => (entry.Key, entry.Value.shape)).ToArray();
        return new CheckpointIdentity(trainer, objective, seed, batchSize, rows, totalSteps, hasEma, Convert.ToHexString(hash.GetCurrentHash())[..16], tensors);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Objective);
        writer.Write(Seed);
        writer.Write(BatchSize);
        writer.Write(Rows);
        writer.Write(TotalSteps);
        writer.Write(HasEma);
        writer.Write(DataFingerprint);
        writer.Write(Tensors.Count);
        foreach (var (name, shape) in Tensors)
        {
            writer.Write(name);
            writer.Write(shape.Length);
            foreach (long size in shape) writer.Write(size);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="trainer"/> comes from the format name before it.</summary>
    public static CheckpointIdentity Read(BinaryReader reader, string trainer)
    {
        string objective = reader.ReadString();
        int seed = reader.ReadInt32(), batchSize = reader.ReadInt32(), rows = reader.ReadInt32(), totalSteps = reader.ReadInt32();
        bool hasEma = reader.ReadBoolean();
        string fingerprint = reader.ReadString();
        int count = reader.ReadInt32();
        if (count < 0 || count > MaxTensors) throw new InvalidDataException($"it claims {count} weight tensors");
        var tensors = new (string, long[])[count];
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            int rank = reader.ReadInt32();
            if (rank < 0 || rank > MaxRank) throw new InvalidDataException($"weight tensor '{name}' claims rank {rank}");
            var shape = new long[rank];
            for (int d = 0; d < rank; d++) shape[d] = reader.ReadInt64();
            tensors[i] = (name, shape);
        }
        return new CheckpointIdentity(trainer, objective, seed, batchSize, rows, totalSteps, hasEma, fingerprint, tensors);
    }

    /// <summary>What differs between a checkpoint's identity and this run's, in words; empty when they match.</summary>
    public IReadOnlyList<string> Differences(CheckpointIdentity run)
    {
        var differences = new List<string>();
        if (Trainer != run.Trainer) differences.Add($"the trainer ({Trainer} vs {run.Trainer})");
        if (Objective != run.Objective) differences.Add($"the objective ({Objective} vs {run.Objective})");
        if (Seed != run.Seed) differences.Add($"Seed ({Seed} vs {run.Seed})");
        if (BatchSize != run.BatchSize) differences.Add($"the batch size ({BatchSize} vs {run.BatchSize})");
        if (Rows != run.Rows) differences.Add($"the number of rows ({Rows} vs {run.Rows})");
        else if (DataFingerprint != run.DataFingerprint) differences.Add("the data (same number of rows, other values)");
        if (TotalSteps != run.TotalSteps) differences.Add($"the number of steps ({TotalSteps} vs {run.TotalSteps})");
        if (HasEma != run.HasEma) differences.Add(HasEma ? "EmaDecay (set in the checkpoint, null here)" : "EmaDecay (null in the checkpoint, set here)");
        if (Tensors.Count != run.Tensors.Count)
            differences.Add($"the network ({Tensors.Count} vs {run.Tensors.Count} weight tensors)");
        else if (Enumerable.Range(0, Tensors.Count).FirstOrDefault(i => !Same(Tensors[i], run.Tensors[i]), -1) is int at and >= 0)
            differences.Add($"the network (weight tensor {Describe(Tensors[at])} vs {Describe(run.Tensors[at])})");
        return differences;
    }

    static bool Same((string Name, long[] Shape) a, (string Name, long[] Shape) b) => a.Name == b.Name && a.Shape.SequenceEqual(b.Shape);

    static string Describe((string Name, long[] Shape) tensor) => $"'{tensor.Name}' [{string.Join(", ", tensor.Shape)}]";

    /// <summary>E.g. "a ScoreModel run (objective Dsm, 6 weight tensors, EMA, seed 1, batch 64, 300 rows, 60 steps)".</summary>
    public override string ToString() =>
        $"a {Trainer} run (objective {Objective}, {Tensors.Count} weight tensors{(HasEma ? ", EMA" : "")}, seed {Seed}, batch {BatchSize}, {Rows} rows, {TotalSteps} steps)";
}
