using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The Langevin corrector (score_sde): step = 2 alpha (snr |z| / |s|)^2 with norms averaged over the batch, alpha the SDE's
/// <see cref="StochasticDifferentialEquation.LangevinAlpha"/>; x_mean = x + step s, x = x_mean + sqrt(2 step) z. The
/// signal-to-noise ratio is <see cref="SamplerOptions.Snr"/>. <see cref="CorrectorKind.Langevin"/>.
/// </summary>
public sealed class LangevinCorrector : Corrector
{
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        var grad = context.Score(x, t);
        var z = context.Noise(x);
        var gradNorm = grad.flatten(1).norm(1).mean();
        var noiseNorm = z.flatten(1).norm(1).mean();
        var alpha = context.Sde.LangevinAlpha(t, context.Options.Steps);
        var step = (context.Options.Snr * noiseNorm / gradNorm).square() * 2 * alpha;
        var mean = x + step.unsqueeze(1) * grad;
        return (mean + sqrt(step * 2).unsqueeze(1) * z, mean);
    }
}
