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
        conditionClasses = lease.Network.ConditionClasses;
    }

    readonly int conditionClasses;
    readonly LabelKeys? labels;
    readonly double labelDropout;

    /// <summary>
    /// The classes a class-conditional model was trained on, with their original label values when the label column had them;
    /// null for an unconditional model. Left unset on a class-conditional model, the classes are known by number only. Setting
    /// classes of another count than the network's <see cref="NoiseConditionalNetwork.ConditionClasses"/> throws.
    /// </summary>
    public LabelKeys? Labels
    {
        get => labels ?? (conditionClasses > 0 ? new LabelKeys(conditionClasses) : null);
        init
        {
            if (value is not null && value.Count != conditionClasses)
                throw new ArgumentException(conditionClasses == 0
                    ? $"This score model's network is not class-conditional, so it has no classes; {value.Count} were given."
                    : $"This score model's network is conditioned on {conditionClasses} classes; {value.Count} were given.", nameof(Labels));
            labels = value;
        }
    }

    /// <summary>Whether the network is conditioned on a class (<see cref="Labels"/> then names the classes).</summary>
    public bool IsConditional => conditionClasses > 0;

    /// <summary>
    /// The probability with which a class-conditional model's training replaced a row's class by "no class", in [0, 1): above
    /// 0, the model also learned the unconditional score, which classifier-free guidance and classifier guidance on this model
    /// need; 0 for an unconditional model or one trained on classes only.
    /// </summary>
    public double LabelDropout
    {
        get => labelDropout;
        init
        {
            if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(nameof(LabelDropout), value, "LabelDropout is a probability in [0, 1).");
            if (value > 0 && conditionClasses == 0)
                throw new ArgumentException("LabelDropout applies to class-conditional models; this one is unconditional.", nameof(LabelDropout));
            labelDropout = value;
        }
    }

    /// <summary>Whether the model gives the unconditional score s(x, t): an unconditional model, or a class-conditional one trained
    /// with label dropout.</summary>
    public bool HasUnconditionalScore => conditionClasses == 0 || labelDropout > 0;

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

    /// <summary>The network as a time-conditional score (each call checks that this model is not disposed): of a class-conditional
    /// model, its unconditional score, which only a model trained with <see cref="LabelDropout"/> above 0 has (otherwise this throws).</summary>
    public ScoreFunction AsScoreFunction()
    {
        lease.ThrowIfReleased();
        RequireUnconditionalScore("Its unconditional score");
        return (x, t) => Network.forward(x, Sde.MarginalStd(t));
    }

    /// <summary>Throws, saying why and what to do instead, when this is a class-conditional model trained without label dropout;
    /// <paramref name="what"/> names the use that needs the unconditional score.</summary>
    internal void RequireUnconditionalScore(string what)
    {
        if (!HasUnconditionalScore)
            throw new InvalidOperationException($"{what} needs the score model's unconditional score, which this class-conditional model never learned: " +
                "it was trained with LabelDropout 0. Sample it by class (ScoreModelTransformer.CreateSampler, classifier-free weight 0), or train it " +
                "with LabelDropout above 0 (e.g. 0.1).");
    }

    /// <summary>
    /// Another reference to the same network and SDE, to dispose on its own: the network is freed only when this model and
    /// every share of it are disposed.
    /// </summary>
    public ScoreModel Share() => new(lease.Share(), Sde, Device, Training) { Environment = Environment, Labels = labels, LabelDropout = labelDropout };

    /// <summary>
    /// The MLContext the model was trained or loaded with, whose log shows the sampling progress of the transformers made from it,
    /// whose <c>CancelExecution()</c> stops their sampling, and whose random source seeds a sampler whose Seed is unset; null for
    /// a model built by hand (its samplers then log nothing and take seed 0).
    /// </summary>
    internal Microsoft.ML.Runtime.IHostEnvironment? Environment { get; init; }

    /// <summary>Releases this reference; the network is freed when no other share holds it.</summary>
    public void Dispose() => lease.Dispose();
}
