using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// DPM-Solver++(3S) (Lu et al. 2022), the singlestep third-order solver in data prediction, on the <see cref="Denoiser"/>
/// view. Each step from sigma to sigma' (h = log(sigma / sigma')) evaluates the denoiser at sigma and at two intermediate
/// levels a third and two thirds of the way in lambda = -log sigma; the first gives a first-order point, the second a
/// second-order one, and their slopes give the third-order step x' = (sigma' / sigma) x - phi1 D0 + (3/2) phi2 (D2 - D0),
/// phi1 = expm1(-h), phi2 = phi1 / h + 1. Three network evaluations a step, one for the final step to sigma = 0 (the
/// denoised sample). Default schedule <see cref="SigmaScheduleKind.Karras"/>. <see cref="SamplerKind.DpmSolver3S"/>.
/// </summary>
public sealed class DpmSolver3SSampler : Sampler
{
    const double R1 = 1.0 / 3, R2 = 2.0 / 3;

    /// <summary>"DpmSolver3S".</summary>
    public override string Name => nameof(SamplerKind.DpmSolver3S);

    internal override SamplerKind Kind => SamplerKind.DpmSolver3S;

    /// <summary>Steps down the noise levels (<see cref="SamplerOptions.SigmaSchedule"/>, default Karras; their number from
    /// <see cref="SamplerOptions.Steps"/> or <see cref="SamplerOptions.Evaluations"/>) with DPM-Solver++(3S), the last to
    /// sigma = 0; returns [Count, Dimension].</summary>
    public override Tensor Sample(SamplingContext context)
    {
        var levels = SigmaSolver.Levels(context, SigmaSolver.Steps(context.Options, 3, 1), SigmaScheduleKind.Karras);
        var denoiser = context.Denoiser;
        return SigmaSolver.Run(context, levels, (x, _, sigma, next) =>
        {
            var d0 = denoiser.Denoise(x, sigma);
            if (next == 0) return d0;
            double h = Math.Log(sigma / next);
            double sigma1 = sigma * Math.Exp(-R1 * h), sigma2 = sigma * Math.Exp(-R2 * h);
            var x1 = (sigma1 / sigma) * x - double.ExpM1(-R1 * h) * d0;
            var d1 = denoiser.Denoise(x1, sigma1);
            double phi22 = double.ExpM1(-R2 * h) / (R2 * h) + 1;
            var x2 = (sigma2 / sigma) * x - double.ExpM1(-R2 * h) * d0 + (R2 / R1 * phi22) * (d1 - d0);
            var d2 = denoiser.Denoise(x2, sigma2);
            double phi1 = double.ExpM1(-h), phi2 = phi1 / h + 1;
            return (next / sigma) * x - phi1 * d0 + (phi2 / R2) * (d2 - d0);
        });
    }

    /// <summary>Too few steps for this score.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        SigmaSolver.TooFewSteps(context, SigmaSolver.Steps(context.Options, 3, 1));
}
