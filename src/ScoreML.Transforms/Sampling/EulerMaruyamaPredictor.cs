using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Euler-Maruyama on the reverse-time SDE: drift f - g^2 s, dt = -T/N. <see cref="PredictorKind.EulerMaruyama"/>.</summary>
public sealed class EulerMaruyamaPredictor : Predictor
{
    /// <summary>x_mean = x + (f - g^2 s) dt with dt = -T / <see cref="SamplerOptions.Steps"/>; x = x_mean + g sqrt(-dt) z.</summary>
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        double dt = -context.Sde.T / context.Options.Steps;
        var g = context.Sde.Diffusion(t).unsqueeze(1);
        var drift = context.Sde.Drift(x, t) - g.square() * context.Score(x, t);
        var mean = x + drift * dt;
        return (mean + g * Math.Sqrt(-dt) * context.Noise(x), mean);
    }
}
