using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// DDIM (Song, Meng and Ermon 2021) on the <see cref="Denoiser"/> view, so for VE, VP and sub-VP models alike: with
/// d = (x - D(x; sigma)) / sigma, a step to sigma' puts back sigma_up = eta sqrt(sigma'^2 (sigma^2 - sigma'^2) / sigma^2) of fresh
/// noise and keeps sigma_down = sqrt(sigma'^2 - sigma_up^2) of the predicted noise: x' = D + sigma_down d + sigma_up z.
/// For a VP model this is DDIM's update in x / sqrt(alpha-bar); eta = 0 (<see cref="SamplerOptions.Eta"/>, the default) is the
/// deterministic DDIM, Euler's method on the probability-flow ODE in sigma (first order); eta = 1 is DDPM's ancestral
/// sampling. One network evaluation a step; the default schedule is <see cref="SigmaScheduleKind.UniformTime"/>, DDIM's own.
/// <see cref="SamplerKind.Ddim"/>.
/// </summary>
public sealed class DdimSampler : Sampler
{
    /// <summary>"Ddim".</summary>
    public override string Name => nameof(SamplerKind.Ddim);

    internal override SamplerKind Kind => SamplerKind.Ddim;

    /// <summary>Steps down the noise levels (<see cref="SamplerOptions.SigmaSchedule"/>, default uniform in time; their number from
    /// <see cref="SamplerOptions.Steps"/> or <see cref="SamplerOptions.Evaluations"/>) with DDIM's update, the last to sigma = 0;
    /// returns [Count, Dimension].</summary>
    public override Tensor Sample(SamplingContext context)
    {
        double eta = context.Options.Eta;
        var levels = SigmaSolver.Levels(context, SigmaSolver.Steps(context.Options, 1, 1), SigmaScheduleKind.UniformTime);
        return SigmaSolver.Run(context, levels, (x, _, sigma, next) =>
        {
            var denoised = context.Denoiser.Denoise(x, sigma);
            if (next == 0) return denoised;
            double up = Math.Min(next, eta * Math.Sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma)));
            double down = Math.Sqrt(next * next - up * up);
            var stepped = denoised + (down / sigma) * (x - denoised);
            return up > 0 ? stepped + up * context.Noise(x) : stepped;
        });
    }

    /// <summary>Too few steps for this score.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        SigmaSolver.TooFewSteps(context, SigmaSolver.Steps(context.Options, 1, 1));
}
