using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The Langevin corrector (score_sde): step = 2 alpha (snr |z| / |s|)^2 with norms averaged over the batch, alpha the SDE's
/// <see cref="StochasticDifferentialEquation.LangevinAlpha"/>; x_mean = x + step s, x = x_mean + sqrt(2 step) z. The
/// signal-to-noise ratio is <see cref="SamplerOptions.Snr"/>. <see cref="CorrectorKind.Langevin"/>.
/// </summary>
public sealed class LangevinCorrector : Corrector
{
    public override string Name => nameof(CorrectorKind.Langevin);

    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t) =>
        Step(context.Score, context.Sde, x, t, context.Options.Steps, context.Options.Snr, context.Generator);

    internal static (Tensor X, Tensor Mean) Step(ScoreFunction score, StochasticDifferentialEquation sde, Tensor x, Tensor t, int steps,
        double snr, Generator generator)
    {
        var grad = score(x, t);
        var z = randn(x.shape, generator: generator, device: x.device);
        var gradNorm = grad.flatten(1).norm(1).mean();
        var noiseNorm = z.flatten(1).norm(1).mean();
        var alpha = sde.LangevinAlpha(t, steps);
        var step = (snr * noiseNorm / gradNorm).square() * 2 * alpha;
        var mean = x + step.unsqueeze(1) * grad;
        return (mean + sqrt(step * 2).unsqueeze(1) * z, mean);
    }
}
