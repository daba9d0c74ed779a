using static TorchSharp.torch;

namespace ScoreML.Numerics;

/// <summary>
/// Hutchinson's estimator of the trace of a Jacobian: tr(J) = E[p^T J p] for probes p with E[p p^T] = I, one vector-Jacobian
/// product per probe instead of one backward pass per dimension (<see cref="JacobianTrace"/>).
/// </summary>
internal static class HutchinsonEstimator
{
    /// <summary>Probes of <paramref name="shape"/>: Rademacher (+-1 with equal odds) or standard Gaussian, from <paramref name="generator"/>.</summary>
    public static Tensor Probes(DivergenceEstimator kind, long[] shape, Generator generator, ScalarType dtype) => kind switch
    {
        DivergenceEstimator.HutchinsonGaussian => randn(shape, generator: generator, dtype: dtype),
        DivergenceEstimator.HutchinsonRademacher => randint(0, 2, shape, generator: generator, dtype: dtype) * 2 - 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Hutchinson's estimator draws Rademacher or Gaussian probes."),
    };

    /// <summary>p^T (d output / d input) p per row, [B], for <paramref name="output"/> computed from <paramref name="input"/>.</summary>
    public static Tensor Trace(Tensor output, Tensor input, Tensor probe)
    {
        var p = probe.to(output.dtype);
        var vjp = autograd.grad(new[] { (output * p).sum() }, new[] { input })[0];
        return (vjp * p).sum(1);
    }
}
