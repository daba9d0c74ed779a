using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// An exponential moving average of a network's trainable parameters (score_sde's ExponentialMovingAverage), kept
/// over their contiguous buffer so an update is two native calls: the decay warms up as min(decay, (1 + n) / (10 + n))
/// so early updates are not dominated by the random initialisation.
/// </summary>
internal sealed class ExponentialMovingAverage : IDisposable
{
    readonly Tensor values;
    readonly Tensor shadow;
    readonly double decay;
    long updates;   // the warm-up of the decay depends on it, so a checkpoint carries it

    /// <param name="parameters">The trainable parameters, averaged element by element.</param>
    /// <param name="decay">The decay once warmed up (TrainingOptions.EmaDecay), in [0, 1).</param>
    public ExponentialMovingAverage(ContiguousParameters parameters, double decay)
    {
        this.decay = decay;
        values = parameters.Values;
        using var noGrad = no_grad();
        shadow = values.detach().clone().DetachFromDisposeScope();
    }

    public void Update()
    {
        updates++;
        double d = Math.Min(decay, (1.0 + updates) / (10.0 + updates));
        using var noGrad = no_grad();
        shadow.mul_(d).add_(values, alpha: 1 - d);
    }

    /// <summary>Overwrites the network's parameters with the averages.</summary>
    public void CopyToModule()
    {
        using var noGrad = no_grad();
        values.copy_(shadow);
    }

    /// <summary>Writes the update count and the averages.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(updates);
        shadow.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote into the averages (shape and type must match).</summary>
    public void Load(BinaryReader reader)
    {
        long count = reader.ReadInt64();
        if (count < 0) throw new InvalidDataException($"the EMA update count is {count}");
        shadow.Load(reader);
        updates = count;
    }

    public void Dispose() => shadow.Dispose();
}
