using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Reverse diffusion (score_sde): on the SDE's own discretisation x_{i+1} = x_i + f_i + G_i z, rev_f = f - G^2 s,
/// x_mean = x - rev_f, x = x_mean + G z. <see cref="PredictorKind.ReverseDiffusion"/>.
/// </summary>
public sealed class ReverseDiffusionPredictor : Predictor
{
    /// <summary>One step on the SDE's <see cref="StochasticDifferentialEquation.Discretize"/> with N = <see cref="SamplerOptions.Steps"/>:
    /// x_mean = x - (f - G^2 s), x = x_mean + G z.</summary>
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        var (f, g) = context.Sde.Discretize(x, t, context.Options.Steps);
        var mean = x - (f - g.square().unsqueeze(1) * context.Score(x, t));
        return (mean + g.unsqueeze(1) * context.Noise(x), mean);
    }
}
