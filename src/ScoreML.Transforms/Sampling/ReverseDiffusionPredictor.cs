using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Reverse diffusion (score_sde): on the SDE's own discretisation x_{i+1} = x_i + f_i + G_i z, rev_f = f - G^2 s,
/// x_mean = x - rev_f, x = x_mean + G z. <see cref="PredictorKind.ReverseDiffusion"/>.
/// </summary>
public sealed class ReverseDiffusionPredictor : Predictor
{
    public override string Name => nameof(PredictorKind.ReverseDiffusion);

    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t) =>
        Step(context.Score, context.Sde, x, t, context.Options.Steps, context.Generator);

    internal static (Tensor X, Tensor Mean) Step(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, Tensor t, int steps,
        Generator generator)
    {
        var (f, g) = sde.Discretize(x, t, steps);
        var g2 = g.square().unsqueeze(1);
        var mean = x - (f - g2 * score(x, t));
        var z = randn(x.shape, generator: generator, device: x.device);
        return (mean + g.unsqueeze(1) * z, mean);
    }
}
