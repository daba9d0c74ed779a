using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>
/// Everything a training run carries from one step to the next, and so everything a checkpoint must hold for a resumed
/// run to continue bit for bit: the steps done, the network (parameters and buffers), the EMA of the weights, Adam's
/// moments and step counts, the random generator, the current epoch's batch order, the per-step history, and whatever
/// state the trainer's <see cref="ITrainingStep"/> adds.
/// Hyperparameters are not state: they come from the options, so a resumed run may change, say, the learning rate.
/// </summary>
internal sealed class TrainingState
{
    readonly nn.Module network;
    readonly OptimizerHelper optimizer;
    readonly ExponentialMovingAverage? ema;
    readonly Generator generator;
    readonly IBatchSource batches;
    readonly ITrainingStep step;

    public TrainingState(nn.Module network, OptimizerHelper optimizer, ExponentialMovingAverage? ema, Generator generator,
        IBatchSource batches, ITrainingStep step, int totalSteps)
    {
        this.step = step;
        this.network = network;
        this.optimizer = optimizer;
        this.ema = ema;
        this.generator = generator;
        this.batches = batches;
        Losses = new float[totalSteps];
        StepMilliseconds = new double[totalSteps];
    }

    /// <summary>The run's length.</summary>
    public int TotalSteps => Losses.Length;

    /// <summary>Steps done; the next step's 0-based index.</summary>
    public int Step { get; set; }

    /// <summary>The loss of every step done (the rest are zero).</summary>
    public float[] Losses { get; }

    /// <summary>The wall time of every step done, in milliseconds.</summary>
    public double[] StepMilliseconds { get; }

    /// <summary>
    /// The parts of a checkpoint after its header, in file order, each named for error messages ("truncated (at the
    /// optimizer state)"). Every tensor is read into one of this run's own, which checks its type and shape.
    /// </summary>
    public IEnumerable<(string Name, Action<BinaryWriter> Write, Action<BinaryReader> Read)> Sections()
    {
        yield return ("the network weights", WriteNetwork, ReadNetwork);
        if (ema is not null) yield return ("the EMA weights", ema.Save, ema.Load);
        yield return ("the optimizer state", WriteOptimizer, ReadOptimizer);
        yield return ("the random generator state", WriteGenerator, ReadGenerator);
        yield return ("the batch order", batches.Save, batches.Load);
        yield return ("the loss history", WriteHistory, ReadHistory);
        // Empty for the built-in trainers, so their checkpoints keep the format they had before trainers could add state.
        yield return ("the trainer's own state", step.SaveState, step.LoadState);
    }

    /// <summary>The name of a parameter that is NaN or infinite, or null when all are finite.</summary>
    public string? NonFiniteParameter()
    {
        using var scope = NewDisposeScope();
        return network.named_parameters().Where(p => !isfinite(p.parameter).all().item<bool>()).Select(p => p.name).FirstOrDefault();
    }

    // In the model zips' weights format, copied into the existing tensors rather than Module.save/load: Module.load moves a
    // GPU module to the CPU and back, which replaces the parameter objects that the optimizer and the EMA hold.
    void WriteNetwork(BinaryWriter writer)
    {
        writer.Flush();
        NetworkWeights.Write(network, writer.BaseStream);
    }

    void ReadNetwork(BinaryReader reader) => NetworkWeights.Read(network, reader.BaseStream, "the network weights");

    // Only the per-parameter state (step count, first and second moments); the options come from this run.
    void WriteOptimizer(BinaryWriter writer)
    {
        foreach (var state in optimizer.state_dict().State) state.SaveStateDict(writer);
    }

    void ReadOptimizer(BinaryReader reader)
    {
        foreach (var state in optimizer.state_dict().State) state.LoadStateDict(reader);
    }

    void WriteGenerator(BinaryWriter writer)
    {
        using var state = generator.get_state();
        state.Save(writer);
    }

    void ReadGenerator(BinaryReader reader)
    {
        using var state = generator.get_state();   // the saved state must have this one's size
        state.Load(reader);
        generator.set_state(state);
    }

    void WriteHistory(BinaryWriter writer)
    {
        foreach (float loss in Losses.AsSpan(0, Step)) writer.Write(loss);
        foreach (double milliseconds in StepMilliseconds.AsSpan(0, Step)) writer.Write(milliseconds);
    }

    void ReadHistory(BinaryReader reader)
    {
        for (int i = 0; i < Step; i++) Losses[i] = reader.ReadSingle();
        for (int i = 0; i < Step; i++) StepMilliseconds[i] = reader.ReadDouble();
    }
}
