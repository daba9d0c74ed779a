using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// Noise-conditional MLP score network s(x, sigma): the embedding of sigma is concatenated to x, then
/// Linear-SiLU layers of the configured widths and a linear output of the data dimension.
/// </summary>
public sealed class ScoreMlp : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Sequential body;
    readonly Parameter? fourierFrequencies;   // fixed, not trained; stored so the saved weights carry it
    readonly bool scaleBySigma;

    /// <param name="dimension">Data dimension D.</param>
    /// <param name="options">Network shape.</param>
    /// <param name="seed">Seeds the weight initialisation and the Fourier frequencies.</param>
    public ScoreMlp(int dimension, ScoreNetworkOptions options, long seed) : base(nameof(ScoreMlp))
    {
        options.Validate();
        Dimension = dimension;
        Options = options.Clone();
        scaleBySigma = options.ScaleOutputBySigma;
        using var generator = new Generator((ulong)seed);
        int embedding = 1;
        if (options.NoiseEmbedding == NoiseEmbeddingKind.Fourier)
        {
            embedding = options.FourierFeatures;
            fourierFrequencies = nn.Parameter(randn(new long[] { options.FourierFeatures / 2 }, generator: generator) * options.FourierScale, requires_grad: false);
        }

        var layers = new List<nn.Module<Tensor, Tensor>>();
        int width = dimension + embedding;
        foreach (int hidden in options.HiddenSizes)
        {
            layers.Add(SeededLinear(width, hidden, generator));
            layers.Add(nn.SiLU());
            width = hidden;
        }
        layers.Add(SeededLinear(width, dimension, generator));
        body = nn.Sequential(layers);
        RegisterComponents();
    }

    public int Dimension { get; }
    public ScoreNetworkOptions Options { get; }

    /// <param name="x">[B, D] inputs.</param>
    /// <param name="sigma">[B] noise standard deviations.</param>
    public override Tensor forward(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        var logSigma = sigma.log().unsqueeze(1);
        var embedded = fourierFrequencies is null
            ? logSigma
            : cat(new[] { sin(2 * Math.PI * logSigma * fourierFrequencies), cos(2 * Math.PI * logSigma * fourierFrequencies) }, 1);
        var output = body.forward(cat(new[] { x, embedded }, 1));
        if (scaleBySigma) output = output / sigma.unsqueeze(1);
        return output.MoveToOuterDisposeScope();
    }

    // PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from our generator
    // so that the same seed gives the same network whatever else used the global generator before.
    static Linear SeededLinear(int inputs, int outputs, Generator generator)
    {
        var linear = nn.Linear(inputs, outputs);
        double bound = 1.0 / Math.Sqrt(inputs);
        using (no_grad())
        {
            linear.weight!.copy_(rand(new long[] { outputs, inputs }, generator: generator) * (2 * bound) - bound);
            linear.bias!.copy_(rand(new long[] { outputs }, generator: generator) * (2 * bound) - bound);
        }
        return linear;
    }
}
