using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Annealed Langevin dynamics (Song and Ermon 2019): for sigma_1 &gt; ... &gt; sigma_L, step size
/// alpha_i = eps sigma_i^2 / sigma_L^2 and T steps x = x + alpha_i/2 s(x, sigma_i) + sqrt(alpha_i) z per level.
/// Starts from N(0, sigma_1^2 I). Needs a VE model: the noise levels are its marginal stds. <see cref="SamplerKind.AnnealedLangevin"/>.
/// </summary>
public sealed class AnnealedLangevinSampler : Sampler
{
    /// <summary>"AnnealedLangevin".</summary>
    public override string Name => nameof(SamplerKind.AnnealedLangevin);

    internal override SamplerKind Kind => SamplerKind.AnnealedLangevin;

    /// <summary>Runs <see cref="SamplerOptions.StepsPerLevel"/> Langevin steps at each of <see cref="SamplerOptions.NoiseLevels"/>
    /// levels from SigmaMax down to SigmaMin, then, with <see cref="SamplerOptions.DenoiseLastStep"/>, one denoising step; returns
    /// [Count, Dimension]. Throws <see cref="ArgumentException"/> for a model that is not VE.</summary>
    public override Tensor Sample(SamplingContext context)
    {
        var sde = context.Sde;
        if (sde is not VeSde ve)
            throw new ArgumentException("Annealed Langevin dynamics needs a variance-exploding (VE) score model; this one was trained with " +
                $"{sde.GetType().Name}. Use the predictor-corrector sampler or the probability-flow ODE instead.", nameof(context));
        using var noGrad = no_grad();
        var options = context.Options;
        double[] sigmas = NoiseSchedule.Levels(options.NoiseSchedule, ve.SigmaMin, ve.SigmaMax, options.NoiseLevels);
        double sigmaLast = sigmas[^1];
        int steps = sigmas.Length * options.StepsPerLevel;
        var x = context.SamplePrior();
        int step = 0;
        foreach (double sigma in sigmas)
        {
            double alpha = options.StepSize * sigma * sigma / (sigmaLast * sigmaLast);
            var t = context.Times(ve.TimeOf(sigma));
            for (int k = 0; k < options.StepsPerLevel; k++)
            {
                using var scope = NewDisposeScope();
                var z = context.Noise(x);
                var next = x + alpha / 2 * context.Score(x, t) + Math.Sqrt(alpha) * z;
                context.RequireFinite(step, steps, next, (x, t));
                next.MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
                context.Observe(step, x);
                step++;
            }
            t.Dispose();
        }
        if (!options.DenoiseLastStep) return x;
        using (var scope = NewDisposeScope())
        {
            var t = context.Times(ve.TimeOf(sigmaLast));
            var denoised = x + sigmaLast * sigmaLast * context.Score(x, t);
            context.RequireFinite(step, steps, denoised, (x, t));
            denoised.MoveToOuterDisposeScope();
            x.Dispose();
            return denoised;
        }
    }

    /// <summary><see cref="SamplerOptions.StepSize"/>: Langevin steps above about 2 SigmaMin^2 diverge.</summary>
    protected internal override (string Option, string Advice) DivergenceSuspect(SamplingContext context)
    {
        string stable = context.Sde is VeSde ve ? $" ({OptionChecks.Format(2 * ve.SigmaMin * ve.SigmaMin)} for this model)" : "";
        return ("Sampler.StepSize", $"Sampler.StepSize ({OptionChecks.Format(context.Options.StepSize)}) is too large: it is the Langevin " +
            $"step at the smallest noise level, and steps above about 2 SigmaMin^2{stable} diverge; lower it.");
    }

    /// <summary>Runs annealed Langevin dynamics whatever <see cref="SamplerOptions.Kind"/> says.</summary>
    [Obsolete("Set SamplerOptions.Kind to SamplerKind.AnnealedLangevin and call Sampler.Sample(score, sde, count, dimension, options, generator, device).")]
    public static new Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device) =>
        Run(new AnnealedLangevinSampler(), score, sde, count, dimension, options, generator, device);
}
