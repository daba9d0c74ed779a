using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A trained noise-conditional score network together with the SDE it was trained under:
/// s(x, t) = network(x, std(t)). This is what sampling, guidance and evaluation consume.
/// </summary>
/// <remarks>
/// Ownership: a ScoreModel is one reference to its network. The constructor takes the network over; <see cref="Share"/>
/// makes another reference to the same network, and the network is freed when the last reference is disposed, in any
/// order. Every ScoreML transformer holds references of its own, so disposing one never breaks another. Dispose may be
/// called more than once; after it, every member that needs the network throws an <see cref="ObjectDisposedException"/>
/// naming ScoreModel.
/// </remarks>
public sealed class ScoreModel : IDisposable
{
    readonly NetworkLease lease;

    /// <param name="network">The score network, taken over (see the remarks) and put in evaluation mode.</param>
    /// <param name="sde">The SDE the network was trained under; its marginal std conditions the network.</param>
    /// <param name="device">The device the network's weights are on; sampling draws its noise and builds its tensors there.</param>
    /// <param name="training">What the training run recorded; null for a model that was loaded or built by hand.</param>
    public ScoreModel(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Device device, TrainingSummary? training = null)
        : this(new NetworkLease(network, typeof(ScoreModel)), sde, device, training)
    {
        network.eval();
    }

    ScoreModel(NetworkLease lease, StochasticDifferentialEquation sde, Device device, TrainingSummary? training)
    {
        this.lease = lease;
        Sde = sde;
        Device = device;
        Training = training;
    }

    /// <summary>What the training run recorded, when this model was trained in this process.</summary>
    public TrainingSummary? Training { get; }

    /// <summary>The network; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public NoiseConditionalNetwork Network => lease.Network;

    /// <summary>The SDE the network was trained under.</summary>
    public StochasticDifferentialEquation Sde { get; }
    /// <summary>The device the network is on, where samples are made.</summary>
    public Device Device { get; }
    /// <summary>Values per data row; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public int Dimension => Network.Dimension;

    /// <summary>The network as a time-conditional score (each call checks that this model is not disposed).</summary>
    public ScoreFunction AsScoreFunction()
    {
        lease.ThrowIfReleased();
        return (x, t) => Network.forward(x, Sde.MarginalStd(t));
    }

    /// <summary>
    /// Another reference to the same network and SDE, to dispose on its own: the network is freed only when this model and
    /// every share of it are disposed.
    /// </summary>
    public ScoreModel Share() => new(lease.Share(), Sde, Device, Training) { Environment = Environment };

    /// <summary>
    /// The MLContext the model was trained or loaded with, whose log shows the sampling progress of the transformers made from it,
    /// whose <c>CancelExecution()</c> stops their sampling, and whose random source seeds a sampler whose Seed is unset; null for
    /// a model built by hand (its samplers then log nothing and take seed 0).
    /// </summary>
    internal Microsoft.ML.Runtime.IHostEnvironment? Environment { get; init; }

    /// <summary>Releases this reference; the network is freed when no other share holds it.</summary>
    public void Dispose() => lease.Dispose();
}
