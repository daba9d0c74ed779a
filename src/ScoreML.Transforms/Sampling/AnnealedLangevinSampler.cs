using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Annealed Langevin dynamics (Song and Ermon 2019): for sigma_1 &gt; ... &gt; sigma_L, step size
/// alpha_i = eps sigma_i^2 / sigma_L^2 and T steps x = x + alpha_i/2 s(x, sigma_i) + sqrt(alpha_i) z per level.
/// Starts from N(0, sigma_1^2 I). Needs a VE model: the noise levels are its marginal stds.
/// </summary>
public static class AnnealedLangevinSampler
{
    public static Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        if (sde is not VeSde ve)
            throw new ArgumentException("Annealed Langevin dynamics needs a variance-exploding (VE) score model; this one was trained with " +
                $"{sde.GetType().Name}. Use the predictor-corrector sampler or the probability-flow ODE instead.", nameof(sde));
        using var noGrad = no_grad();
        double[] sigmas = NoiseSchedule.Levels(options.NoiseSchedule, ve.SigmaMin, ve.SigmaMax, options.NoiseLevels);
        double sigmaLast = sigmas[^1];
        var check = new DivergenceCheck(SamplerKind.AnnealedLangevin, options, score, sde, sigmas.Length * options.StepsPerLevel);
        var x = sde.SamplePrior(count, dimension, generator, device);
        int step = 0;
        foreach (double sigma in sigmas)
        {
            double alpha = options.StepSize * sigma * sigma / (sigmaLast * sigmaLast);
            var t = full(count, ve.TimeOf(sigma), device: device);
            for (int k = 0; k < options.StepsPerLevel; k++)
            {
                using var scope = NewDisposeScope();
                var z = randn(x.shape, generator: generator, device: device);
                var next = x + alpha / 2 * score(x, t) + Math.Sqrt(alpha) * z;
                check.After(step, next, (x, t));
                next.MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
                options.StepObserver?.Invoke(step, x);
                step++;   // not inside the call: ?. skips its arguments when there is no observer
            }
            t.Dispose();
        }
        if (!options.DenoiseLastStep) return x;
        using (var scope = NewDisposeScope())
        {
            var t = full(count, ve.TimeOf(sigmaLast), device: device);
            var denoised = x + sigmaLast * sigmaLast * score(x, t);
            check.After(step, denoised, (x, t));
            denoised.MoveToOuterDisposeScope();
            x.Dispose();
            return denoised;
        }
    }
}
