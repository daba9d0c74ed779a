using static TorchSharp.torch;

namespace ScoreML.Numerics;

/// <summary>
/// The exact trace of the Jacobian of a vector field, sum_j d f_j / d x_j per row, by one backward pass per dimension: the
/// divergence the likelihood integrates for low-dimensional data, and the term of implicit (exact) score matching. Its cost
/// grows with the dimension; <see cref="HutchinsonEstimator"/> estimates the same trace with one pass.
/// </summary>
internal static class JacobianTrace
{
    /// <param name="output">f(x), [B, D], computed from <paramref name="input"/> with gradients recorded.</param>
    /// <param name="input">x, [B, D], a tensor that requires gradients.</param>
    /// <param name="createGraph">Keep the trace differentiable (to train through it); without it the graph is freed after
    /// the last pass.</param>
    /// <returns>The trace per row, [B], in <paramref name="output"/>'s dtype.</returns>
    public static Tensor Exact(Tensor output, Tensor input, bool createGraph)
    {
        long d = output.shape[1];
        var trace = zeros(output.shape[0], dtype: output.dtype, device: output.device);
        for (long j = 0; j < d; j++)
        {
            // create_graph and retain_graph both: TorchSharp does not imply the second from the first. Without create_graph
            // the graph is needed until the last dimension's pass.
            var gradient = autograd.grad(new[] { output.select(1, j).sum() }, new[] { input },
                create_graph: createGraph, retain_graph: createGraph || j < d - 1)[0];
            trace = trace + gradient.select(1, j);
        }
        return trace;
    }
}
