using ScoreML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>How the image networks embed log sigma before their embedding MLP.</summary>
public enum NoiseLevelFeatures
{
    /// <summary>Fixed random Gaussian Fourier features [sin 2 pi w log sigma, cos 2 pi w log sigma] (NCSN++, DLSM's classifier).</summary>
    Fourier,
    /// <summary>Transformer-style sinusoids of log sigma at geometric frequencies (DDPM++'s positional embedding).</summary>
    Sinusoidal,
}

/// <summary>
/// The noise-level branch of the image networks: features of log sigma (<see cref="NoiseLevelFeatures"/>), then
/// Linear, SiLU, Linear to <c>width</c> values that each residual block projects and adds to its activations.
/// </summary>
internal sealed class NoiseLevelEmbedding : nn.Module<Tensor, Tensor>
{
    readonly Parameter? frequencies;   // Fourier only: fixed, not trained, saved with the weights
    readonly int features;
    readonly Linear first, second;

    public NoiseLevelEmbedding(NoiseLevelFeatures kind, int features, double fourierScale, int width, Generator generator)
        : base(nameof(NoiseLevelEmbedding))
    {
        this.features = features;
        if (kind == NoiseLevelFeatures.Fourier)
            frequencies = nn.Parameter(randn(new long[] { features / 2 }, generator: generator) * fourierScale, requires_grad: false);
        first = SeededLayers.Linear(features, width, generator);
        second = SeededLayers.Linear(width, width, generator);
        RegisterComponents();
    }

    /// <param name="sigma">[B] noise levels.</param>
    /// <returns>[B, width].</returns>
    public override Tensor forward(Tensor sigma)
    {
        using var scope = NewDisposeScope();
        var logSigma = sigma.log().unsqueeze(1);
        Tensor angles;
        if (frequencies is not null)
        {
            angles = 2 * Math.PI * logSigma * frequencies;
        }
        else
        {
            int half = features / 2;
            var scales = exp(arange(half, dtype: sigma.dtype, device: sigma.device) * (-Math.Log(10000) / Math.Max(1, half - 1)));
            angles = logSigma * scales;
        }
        var embedded = cat(new[] { angles.sin(), angles.cos() }, 1);
        return second.call(nn.functional.silu(first.call(embedded))).MoveToOuterDisposeScope();
    }
}
