using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Trainers.Training;

/// <summary>
/// An exponential moving average of a module's parameters (score_sde's ExponentialMovingAverage): the decay
/// warms up as min(decay, (1 + n) / (10 + n)) so early updates are not dominated by the random initialisation.
/// </summary>
internal sealed class ExponentialMovingAverage : IDisposable
{
    readonly (TorchSharp.Modules.Parameter Parameter, Tensor Shadow)[] pairs;
    readonly double decay;
    long updates;   // the warm-up of the decay depends on it, so a checkpoint carries it

    public ExponentialMovingAverage(nn.Module module, double decay)
    {
        this.decay = decay;
        using var noGrad = no_grad();
        pairs = module.parameters().Where(p => p.requires_grad).Select(p => (p, p.detach().clone().DetachFromDisposeScope())).ToArray();
    }

    public void Update()
    {
        updates++;
        double d = Math.Min(decay, (1.0 + updates) / (10.0 + updates));
        using var noGrad = no_grad();
        foreach (var (parameter, shadow) in pairs)
            shadow.mul_(d).add_(parameter.detach(), alpha: 1 - d);
    }

    /// <summary>Overwrites the module's parameters with the averages.</summary>
    public void CopyToModule()
    {
        using var noGrad = no_grad();
        foreach (var (parameter, shadow) in pairs) parameter.copy_(shadow);
    }

    /// <summary>Writes the update count and the averages, in parameter order.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(updates);
        foreach (var (_, shadow) in pairs) shadow.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote into the averages (shapes and types must match).</summary>
    public void Load(BinaryReader reader)
    {
        long count = reader.ReadInt64();
        if (count < 0) throw new InvalidDataException($"the EMA update count is {count}");
        foreach (var (_, shadow) in pairs) shadow.Load(reader);
        updates = count;
    }

    public void Dispose()
    {
        foreach (var (_, shadow) in pairs) shadow.Dispose();
    }
}
