using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Euler-Maruyama on the reverse-time SDE: drift f - g^2 s, dt = -T/N. <see cref="PredictorKind.EulerMaruyama"/>.</summary>
public sealed class EulerMaruyamaPredictor : Predictor
{
    public override string Name => nameof(PredictorKind.EulerMaruyama);

    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t) =>
        Step(context.Score, context.Sde, x, t, context.Options.Steps, context.Generator);

    internal static (Tensor X, Tensor Mean) Step(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, Tensor t, int steps,
        Generator generator)
    {
        double dt = -sde.T / steps;
        var g = sde.Diffusion(t).unsqueeze(1);
        var drift = sde.Drift(x, t) - g.square() * score(x, t);
        var mean = x + drift * dt;
        var z = randn(x.shape, generator: generator, device: x.device);
        return (mean + g * Math.Sqrt(-dt) * z, mean);
    }
}
