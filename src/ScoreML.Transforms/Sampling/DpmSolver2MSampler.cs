using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022), the multistep second-order solver in data prediction, on the <see cref="Denoiser"/>
/// view. In lambda = -log sigma the probability-flow ODE is solved exactly for a denoiser that is constant over a step
/// (x' = (sigma' / sigma) x - expm1(-h) D, h = lambda' - lambda); this solver instead takes D linear in lambda through the
/// current and the previous step's denoiser outputs, D_2 = (1 + 1/(2r)) D_i - 1/(2r) D_(i-1) with r = h_(i-1) / h_i, so a
/// step costs one network evaluation yet is second order. The first step and the final one (to sigma = 0, which returns
/// the denoised sample) are first order. The default schedule is <see cref="SigmaScheduleKind.Karras"/>, as k-diffusion's
/// "DPM++ 2M Karras". <see cref="SamplerKind.DpmSolver2M"/>.
/// </summary>
public sealed class DpmSolver2MSampler : Sampler
{
    /// <summary>"DpmSolver2M".</summary>
    public override string Name => nameof(SamplerKind.DpmSolver2M);

    internal override SamplerKind Kind => SamplerKind.DpmSolver2M;

    /// <summary>Steps down the noise levels (<see cref="SamplerOptions.SigmaSchedule"/>, default Karras; their number from
    /// <see cref="SamplerOptions.Steps"/> or <see cref="SamplerOptions.Evaluations"/>) with DPM-Solver++(2M), the last to
    /// sigma = 0; returns [Count, Dimension].</summary>
    public override Tensor Sample(SamplingContext context)
    {
        var levels = SigmaSolver.Levels(context, SigmaSolver.Steps(context.Options, 1, 1), SigmaScheduleKind.Karras);
        Tensor? previous = null;   // the previous step's denoiser output: per-run state, so it lives here, not in a field
        double previousLambda = 0;
        try
        {
            return SigmaSolver.Run(context, levels, (x, _, sigma, next) =>
            {
                var denoised = context.Denoiser.Denoise(x, sigma);
                if (next == 0) return denoised;
                double lambda = -Math.Log(sigma), h = Math.Log(sigma / next);
                var slope = denoised;
                if (previous is not null)
                {
                    double half = 0.5 * h / (lambda - previousLambda);   // 1 / (2r)
                    slope = (1 + half) * denoised - half * previous;
                }
                var stepped = (next / sigma) * x - double.ExpM1(-h) * slope;
                previous?.Dispose();
                previous = denoised.MoveToOuterDisposeScope();
                previousLambda = lambda;
                return stepped;
            });
        }
        finally
        {
            previous?.Dispose();
        }
    }

    /// <summary>Too few steps for this score.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context) =>
        SigmaSolver.TooFewSteps(context, SigmaSolver.Steps(context.Options, 1, 1));
}
