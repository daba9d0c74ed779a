using Microsoft.ML;
using ScoreML.Data;
using ScoreML.Evaluation.Metrics;
using ScoreML.Numerics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The negative log-likelihood of data under a score model, through the probability-flow ODE (Song et al. 2021, Appendix
/// D.2): integrate dx/dt = f - g^2 s / 2 together with d(delta)/dt = div(f - g^2 s / 2) from t = eps to T; then
/// log p(x) = log p_T(x(T)) + delta(T). The divergence comes from Hutchinson's estimator with one fixed probe per sample
/// (or exactly, for low dimension). Reported in bits per dimension: NLL / (D ln 2) + <see cref="LikelihoodOptions.BitsOffset"/>.
/// </summary>
public static class BitsPerDimension
{
    /// <summary>Bits per dimension of <paramref name="data"/> under a trained score model.</summary>
    public static LikelihoodResult Compute(ScoreModel model, FeatureMatrix data, LikelihoodOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = no_grad();
        model.Network.eval();
        options ??= new LikelihoodOptions();
        if (options.Seed is null && model.Environment is { } environment)
        {
            // An unset seed follows the model's MLContext; the run uses a copy with it filled in.
            options = (LikelihoodOptions)options.CloneShallow();
            options.Seed = environment.Register(nameof(BitsPerDimension)).Rand.Next();
        }
        return Compute(model.AsScoreFunction(), model.Sde, data, options, model.Device);
    }

    /// <summary>Bits per dimension of a view's vector column (e.g. held-out test data) under a trained score model.</summary>
    public static LikelihoodResult Compute(ScoreModel model, IDataView data, string columnName = "Features", LikelihoodOptions? options = null)
    {
        var (values, _, dimension) = VectorColumnReader.ReadAll(data, columnName);
        if (dimension != model.Dimension)
            throw new ArgumentException($"Column '{columnName}' has {dimension} values per row; the score model was trained on {model.Dimension}.", nameof(data));
        return Compute(model, new FeatureMatrix(values, dimension, "data"), options);
    }

    /// <summary>Bits per dimension under any score function of diffusion time (e.g. an exact score, for checks).</summary>
    public static LikelihoodResult Compute(ScoreFunction score, StochasticDifferentialEquation sde, FeatureMatrix data,
        LikelihoodOptions? options = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(sde);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new LikelihoodOptions();
        options.Validate();
        device ??= CPU;
        int d = data.Dimension;
        double eps = options.Epsilon ?? sde.SamplingEpsilon;
        var bits = new double[data.Rows];
        int steps = 0;
        using var generator = new Generator((ulong)(options.Seed ?? 0));
        for (int start = 0; start < data.Rows; start += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(options.BatchSize, data.Rows - start);
            var x = tensor(data.Values.AsSpan(start * d, count * d).ToArray(), new long[] { count, d }).to(ScalarType.Float64);
            if (options.DequantizationWidth > 0) x = x + rand(new long[] { count, d }, generator: generator, dtype: ScalarType.Float64) * options.DequantizationWidth;
            // The exact trace draws (unused) probes too: the generator's stream, and with it the dequantisation noise of later
            // batches, does not depend on the estimator.
            var probe = HutchinsonEstimator.Probes(options.Divergence == DivergenceEstimator.HutchinsonGaussian
                ? DivergenceEstimator.HutchinsonGaussian : DivergenceEstimator.HutchinsonRademacher, new long[] { count, d }, generator, ScalarType.Float64);
            probe = probe.to(device);
            // The state [x, delta] in float64 (the solver's error control needs it); the network sees float32. The solver takes
            // a step size per row, so a row's likelihood does not depend on the rows batched with it.
            Tensor Derivative(Tensor state, Tensor times)
            {
                var y = state.narrow(1, 0, d);
                var t = times.to(ScalarType.Float32);
                var (velocity, divergence) = VelocityAndDivergence(score, sde, y.to(ScalarType.Float32), t, probe, options.Divergence);
                return cat(new[] { velocity.to(ScalarType.Float64), divergence.to(ScalarType.Float64).unsqueeze(1) }, 1);
            }
            var initial = cat(new[] { x.to(device), zeros(count, 1, dtype: ScalarType.Float64, device: device) }, 1);
            var (final, rowSteps) = DormandPrince.Integrate(Derivative, initial, eps, sde.T, options.RelativeTolerance, options.AbsoluteTolerance,
                options.MaxSteps, "The likelihood ODE", "LikelihoodOptions.MaxSteps");
            steps += rowSteps.Max();
            var z = final.narrow(1, 0, d);
            var delta = final.select(1, d);
            var logLikelihood = sde.PriorLogDensity(z) + delta;
            var batchBits = (-logLikelihood / (d * Math.Log(2)) + options.BitsOffset).cpu().data<double>().ToArray();
            for (int i = 0; i < count; i++)
            {
                if (!double.IsFinite(batchBits[i])) throw new InvalidOperationException($"Row {start + i} of the {data.Name} set has a non-finite likelihood; the score model may be broken.");
                bits[start + i] = batchBits[i];
            }
        }
        double mean = bits.Average();
        double standardError = Math.Sqrt(bits.Sum(b => (b - mean) * (b - mean)) / Math.Max(1, bits.Length - 1) / bits.Length);
        return new LikelihoodResult(mean, standardError, bits, steps);
    }

    /// <summary>The ODE's velocity and its divergence (estimated or exact), per row.</summary>
    static (Tensor Velocity, Tensor Divergence) VelocityAndDivergence(ScoreFunction score, StochasticDifferentialEquation sde, Tensor y,
        Tensor t, Tensor probe, DivergenceEstimator estimator)
    {
        using var gradients = enable_grad();
        var leaf = y.detach().requires_grad_(true);
        var velocity = sde.ProbabilityFlowVelocity(leaf, t, score(leaf, t));
        var divergence = estimator == DivergenceEstimator.Exact
            ? JacobianTrace.Exact(velocity, leaf, createGraph: false)
            : HutchinsonEstimator.Trace(velocity, leaf, probe);
        return (velocity.detach(), divergence.detach());
    }
}

/// <param name="Mean">Mean bits per dimension.</param>
/// <param name="StandardError">Its standard error over rows.</param>
/// <param name="PerRow">Bits per dimension of each row.</param>
/// <param name="SolverSteps">Accepted ODE steps of the batch's slowest row (the solver sizes steps per row), summed over batches.</param>
public sealed record LikelihoodResult(double Mean, double StandardError, double[] PerRow, int SolverSteps);
