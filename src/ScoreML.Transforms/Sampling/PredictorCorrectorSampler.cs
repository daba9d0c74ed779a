using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The predictor-corrector sampler of score_sde: x from the prior, t = linspace(1, eps, N); at each t a
/// corrector step then a predictor step; returns the last x_mean (the noise-free final step).
/// </summary>
public static class PredictorCorrectorSampler
{
    public static Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        using var noGrad = no_grad();
        int n = options.Steps;
        RequireStepsAboveBetaMax(sde, options);
        double eps = options.Epsilon ?? sde.SamplingEpsilon;
        var check = new DivergenceCheck(SamplerKind.PredictorCorrector, options, score, sde, n);
        var x = sde.SamplePrior(count, dimension, generator, device);
        var xMean = x.alias();
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            double time = n == 1 ? sde.T : sde.T + (eps - sde.T) * i / (n - 1);
            var t = full(count, time, device: device);
            Tensor current = x.alias(), currentMean = x.alias();
            if (options.Corrector == CorrectorKind.Langevin)
                for (int k = 0; k < options.CorrectorSteps; k++)
                    (current, currentMean) = LangevinStep(score, sde, current, t, n, options.Snr, generator);
            if (options.Predictor == PredictorKind.ReverseDiffusion)
                (current, currentMean) = ReverseDiffusionStep(score, sde, current, t, n, generator);
            else if (options.Predictor == PredictorKind.EulerMaruyama)
                (current, currentMean) = EulerMaruyamaStep(score, sde, current, t, n, generator);
            check.After(i, current, (x, t));   // x = x_mean + noise is finite only if x_mean is
            x.Dispose();
            xMean.Dispose();
            x = current.MoveToOuterDisposeScope();
            xMean = currentMean.MoveToOuterDisposeScope();
            options.StepObserver?.Invoke(i, xMean);
        }
        x.Dispose();
        return xMean;   // the last step without its noise, as score_sde returns with noise removal
    }

    /// <summary>
    /// The DDPM discretisation of a VP model has beta_i = beta(t_i) / N up to BetaMax / N: the reverse-diffusion predictor takes
    /// sqrt(1 - beta_i) and the Langevin corrector steps by 1 - beta_i, so with N at or below BetaMax the first steps are NaN
    /// (or wipe the state). Sub-VP uses that discretisation only in the corrector.
    /// </summary>
    static void RequireStepsAboveBetaMax(StochasticDifferentialEquation sde, SamplerOptions options)
    {
        if (sde is not VpSde vp || options.Steps > vp.BetaMax) return;
        bool corrector = options.Corrector == CorrectorKind.Langevin && options.CorrectorSteps > 0;
        bool predictor = options.Predictor == PredictorKind.ReverseDiffusion && sde is not SubVpSde;
        if (!corrector && !predictor) return;
        throw new ArgumentOutOfRangeException(nameof(options.Steps), $"Sampler.Steps must be above the {(sde is SubVpSde ? "sub-VP" : "VP")} " +
            $"SDE's BetaMax ({OptionChecks.Format(vp.BetaMax)}) for the predictor-corrector sampler's " +
            $"{(predictor ? "reverse-diffusion predictor" : "Langevin corrector")}, whose discrete beta_i = beta(t) / Steps must stay below 1; " +
            $"got {options.Steps}.");
    }

    /// <summary>Reverse diffusion: rev_f = f - G^2 s, x_mean = x - rev_f, x = x_mean + G z.</summary>
    public static (Tensor X, Tensor Mean) ReverseDiffusionStep(ScoreFunction score, StochasticDifferentialEquation sde,
        Tensor x, Tensor t, int steps, Generator generator)
    {
        var (f, g) = sde.Discretize(x, t, steps);
        var g2 = g.square().unsqueeze(1);
        var mean = x - (f - g2 * score(x, t));
        var z = randn(x.shape, generator: generator, device: x.device);
        return (mean + g.unsqueeze(1) * z, mean);
    }

    /// <summary>Euler-Maruyama on the reverse SDE: drift f - g^2 s, dt = -1/N.</summary>
    public static (Tensor X, Tensor Mean) EulerMaruyamaStep(ScoreFunction score, StochasticDifferentialEquation sde,
        Tensor x, Tensor t, int steps, Generator generator)
    {
        double dt = -sde.T / steps;
        var g = sde.Diffusion(t).unsqueeze(1);
        var drift = sde.Drift(x, t) - g.square() * score(x, t);
        var mean = x + drift * dt;
        var z = randn(x.shape, generator: generator, device: x.device);
        return (mean + g * Math.Sqrt(-dt) * z, mean);
    }

    /// <summary>
    /// Langevin corrector: step = 2 alpha (snr |z| / |s|)^2 with norms averaged over the batch;
    /// x_mean = x + step s; x = x_mean + sqrt(2 step) z.
    /// </summary>
    public static (Tensor X, Tensor Mean) LangevinStep(ScoreFunction score, StochasticDifferentialEquation sde,
        Tensor x, Tensor t, int steps, double snr, Generator generator)
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
