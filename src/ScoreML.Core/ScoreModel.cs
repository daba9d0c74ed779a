using ScoreML.Networks;
using ScoreML.Scores;
using ScoreML.Sde;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A trained noise-conditional score network together with the SDE it was trained under:
/// s(x, t) = network(x, std(t)). This is what sampling, guidance and evaluation consume.
/// </summary>
public sealed class ScoreModel : IDisposable
{
    public ScoreModel(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Device device, TrainingSummary? training = null)
    {
        Network = network;
        Sde = sde;
        Device = device;
        Training = training;
        Network.eval();
    }

    /// <summary>What the training run recorded, when this model was trained in this process.</summary>
    public TrainingSummary? Training { get; }

    public NoiseConditionalNetwork Network { get; }
    public StochasticDifferentialEquation Sde { get; }
    public Device Device { get; }
    public int Dimension => Network.Dimension;

    /// <summary>The network as a time-conditional score.</summary>
    public ScoreFunction AsScoreFunction() => (x, t) => Network.forward(x, Sde.MarginalStd(t));

    public void Dispose() => Network.Dispose();
}
