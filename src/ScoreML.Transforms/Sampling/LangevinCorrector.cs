using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The Langevin corrector (score_sde): step = 2 alpha (snr |z| / |s|)^2, alpha the SDE's
/// <see cref="StochasticDifferentialEquation.LangevinAlpha"/>; x_mean = x + step s, x = x_mean + sqrt(2 step) z. The
/// signal-to-noise ratio is <see cref="SamplerOptions.Snr"/>. The norms are each row's own, so a row's step never depends on
/// the rows beside it; <see cref="SamplerOptions.CorrectorBatchMeanNorms"/> averages them over the batch as score_sde does
/// (one step for the whole batch, which then changes with the batch). <see cref="CorrectorKind.Langevin"/>.
/// </summary>
public sealed class LangevinCorrector : Corrector
{
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        var grad = context.Score(x, t);
        var z = context.Noise(x);
        var gradNorm = grad.flatten(1).norm(1);
        var noiseNorm = z.flatten(1).norm(1);
        if (context.Options.CorrectorBatchMeanNorms)
        {
            gradNorm = gradNorm.mean();
            noiseNorm = noiseNorm.mean();
        }
        var alpha = context.Sde.LangevinAlpha(t, context.Options.Steps);
        var step = (context.Options.Snr * noiseNorm / gradNorm).square() * 2 * alpha;
        var mean = x + step.unsqueeze(1) * grad;
        return (mean + sqrt(step * 2).unsqueeze(1) * z, mean);
    }
}
