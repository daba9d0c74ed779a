using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The Langevin corrector (score_sde): x_mean = x + step s, x = x_mean + sqrt(2 step) z, with the signal-to-noise ratio r
/// <see cref="SamplerOptions.Snr"/> and alpha the SDE's <see cref="StochasticDifferentialEquation.LangevinAlpha"/>.
/// <see cref="CorrectorKind.Langevin"/>.
/// </summary>
/// <remarks>
/// <para>score_sde sets step = 2 alpha (r |z| / |s|)^2 with the norms averaged over the batch, so one row's step depends on the
/// rows beside it and on the batch size; <see cref="SamplerOptions.CorrectorBatchMeanNorms"/> keeps that rule.</para>
/// <para>By default the step is each row's own and depends on neither the batch nor the row's state: step = 2 alpha r^2 sigma_t^2,
/// sigma_t the SDE's <see cref="StochasticDifferentialEquation.MarginalStd"/>. It is score_sde's step with the norms at their
/// typical values for data on a low-dimensional manifold (images): |z|^2 = D and |s|^2 = D / sigma_t^2, where the batch mean
/// and this rule agree. The row's own norms are no substitute: 1 / |s|^2 is heavy-tailed in few dimensions (its mean is
/// infinite in two), so rows near a mode, where the score is small, took huge steps and were thrown out; on a 2-D Gaussian
/// mixture the samples' spread grew from 1.8 to 4.6. A state-dependent step also biases Langevin dynamics, which a fixed one
/// does not.</para>
/// </remarks>
public sealed class LangevinCorrector : Corrector
{
    /// <summary>One Langevin step: x_mean = x + step s, x = x_mean + sqrt(2 step) z, with the step of the remarks.</summary>
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        var options = context.Options;
        var grad = context.Score(x, t);
        var z = context.Noise(x);
        var alpha = context.Sde.LangevinAlpha(t, options.Steps);
        Tensor step;
        if (options.CorrectorBatchMeanNorms)
        {
            var gradNorm = grad.flatten(1).norm(1).mean();
            var noiseNorm = z.flatten(1).norm(1).mean();
            step = (options.Snr * noiseNorm / gradNorm).square() * 2 * alpha;
        }
        else
        {
            step = context.Sde.MarginalStd(t).square() * (2 * options.Snr * options.Snr) * alpha;
        }
        var mean = x + step.unsqueeze(1) * grad;
        return (mean + sqrt(step * 2).unsqueeze(1) * z, mean);
    }
}
