using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// EDM's sampler (Karras et al. 2022, Algorithm 2) on the <see cref="Denoiser"/> view: Heun's second-order method on
/// dx / dsigma = (x - D(x; sigma)) / sigma over the <see cref="SigmaScheduleKind.Karras"/> schedule (rho =
/// <see cref="SamplerOptions.Rho"/>), the last step (to sigma = 0) Euler, so N steps cost 2N - 1 network evaluations. With
/// <see cref="SamplerOptions.Churn"/> &gt; 0 it is EDM's stochastic sampler: at levels in [ChurnMinSigma, ChurnMaxSigma] each
/// step first raises sigma by a factor 1 + gamma, gamma = min(Churn / N, sqrt 2 - 1), adding noise of scale ChurnNoise
/// (sigma-hat is kept at or below sigma(T), where the model was trained). <see cref="SamplerKind.Heun"/>.
/// </summary>
public sealed class HeunSampler : Sampler
{
    /// <summary>"Heun".</summary>
    public override string Name => nameof(SamplerKind.Heun);

    internal override SamplerKind Kind => SamplerKind.Heun;

    /// <summary>Steps down the noise levels (<see cref="SamplerOptions.SigmaSchedule"/>, default Karras; N from
    /// <see cref="SamplerOptions.Steps"/> or <see cref="SamplerOptions.Evaluations"/>) with Heun's method and the churn options,
    /// the last step Euler to sigma = 0; returns [Count, Dimension].</summary>
    public override Tensor Sample(SamplingContext context)
    {
        var options = context.Options;
        int steps = SigmaSolver.Steps(options, 2, 1);
        var levels = SigmaSolver.Levels(context, steps, SigmaScheduleKind.Karras);
        var denoiser = context.Denoiser;
        double sigmaMax = levels[0], churnMax = options.ChurnMaxSigma ?? double.PositiveInfinity;
        return SigmaSolver.Run(context, levels, (x, _, sigma, next) =>
        {
            double gamma = options.Churn > 0 && sigma >= options.ChurnMinSigma && sigma <= churnMax
                ? Math.Min(options.Churn / steps, Math.Sqrt(2) - 1) : 0;
            double raised = Math.Min(sigma * (1 + gamma), Math.Max(sigma, sigmaMax));
            if (raised > sigma)
                x = x + Math.Sqrt(raised * raised - sigma * sigma) * options.ChurnNoise * context.Noise(x);
            var slope = (x - denoiser.Denoise(x, raised)) / raised;
            var euler = x + (next - raised) * slope;
            if (next == 0) return euler;
            var slopeAtNext = (euler - denoiser.Denoise(euler, next)) / next;
            return x + (next - raised) * 0.5 * (slope + slopeAtNext);
        });
    }

    /// <summary>Too few steps for this score.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        SigmaSolver.TooFewSteps(context, SigmaSolver.Steps(context.Options, 2, 1));
}
