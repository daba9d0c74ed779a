using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Reverse diffusion (score_sde): on the SDE's own discretisation x_{i+1} = x_i + f_i + G_i z, rev_f = f - G^2 s,
/// x_mean = x - rev_f, x = x_mean + G z. <see cref="PredictorKind.ReverseDiffusion"/>.
/// </summary>
public sealed class ReverseDiffusionPredictor : Predictor
{
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        var (f, g) = context.Sde.Discretize(x, t, context.Options.Steps);
        var mean = x - (f - g.square().unsqueeze(1) * context.Score(x, t));
        return (mean + g.unsqueeze(1) * context.Noise(x), mean);
    }
}
