using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A classifier of noisy data, p(y | x, sigma), and its likelihood score grad_x log p(y | x, sigma): the term that
/// classifier guidance adds to the prior score to sample from p(x | y).
/// </summary>
/// <remarks>
/// Ownership, as for <see cref="ScoreModel"/>: a classifier is one reference to its network. The constructor takes the
/// network over; <see cref="Share"/> makes another reference, and the network is freed when the last reference is
/// disposed, in any order. Dispose may be called more than once; after it, every member that needs the network throws an
/// <see cref="ObjectDisposedException"/> naming NoiseConditionalClassifier.
/// </remarks>
public sealed class NoiseConditionalClassifier : IDisposable
{
    readonly NetworkLease lease;

    /// <param name="network">Logits network with one output per class.</param>
    /// <param name="softmaxEpsilon">0 takes log p from log_softmax; a positive value uses log(softmax + epsilon) instead (the DLSM toy code: 1e-8).</param>
    public NoiseConditionalClassifier(NoiseConditionalNetwork network, double softmaxEpsilon = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Outputs < 2) throw new ArgumentException($"A classifier needs at least two classes; the network has {network.Outputs} outputs.", nameof(network));
        if (network.ScalesOutputBySigma)
            throw new ArgumentException("A classifier's logits must not be divided by sigma; set Network.ScaleOutputBySigma to false.", nameof(network));
        if (!(softmaxEpsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(softmaxEpsilon), softmaxEpsilon, "The softmax epsilon cannot be negative.");
        lease = new NetworkLease(network, typeof(NoiseConditionalClassifier));
        SoftmaxEpsilon = softmaxEpsilon;
    }

    NoiseConditionalClassifier(NetworkLease lease, double softmaxEpsilon)
    {
        this.lease = lease;
        SoftmaxEpsilon = softmaxEpsilon;
    }

    /// <summary>The logits network; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public NoiseConditionalNetwork Network => lease.Network;

    /// <summary>0 for log_softmax, or the epsilon of log(softmax + epsilon) (see the constructor).</summary>
    public double SoftmaxEpsilon { get; }
    /// <summary>Number of classes (the network's outputs); throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public int ClassCount => Network.Outputs;
    /// <summary>Values per data row; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public int Dimension => Network.Dimension;

    /// <summary>Unnormalised log-probabilities [B, C] at noise level sigma [B].</summary>
    public Tensor Logits(Tensor x, Tensor sigma) => Network.forward(x, sigma);

    /// <summary>log p(y | x, sigma) for every class, [B, C].</summary>
    public Tensor LogProbabilities(Tensor x, Tensor sigma) => LogProbabilitiesOf(Logits(x, sigma));

    /// <summary>log p(y | x, sigma) from logits, as <see cref="SoftmaxEpsilon"/> says.</summary>
    public Tensor LogProbabilitiesOf(Tensor logits) =>
        SoftmaxEpsilon == 0 ? logits.log_softmax(1) : (logits.softmax(1) + SoftmaxEpsilon).log();

    /// <summary>
    /// grad_x log p(y | x, sigma) for the 0-based class of each row, [B, D]. With <paramref name="createGraph"/> the result
    /// stays differentiable (for training through it) and <paramref name="x"/> must already require gradients; without it,
    /// the gradient is taken on a detached copy, also under no_grad.
    /// </summary>
    public Tensor LikelihoodScore(Tensor x, Tensor sigma, Tensor labels, bool createGraph = false)
    {
        if (createGraph) return Gradient(x, sigma, labels, createGraph: true);
        using var scope = NewDisposeScope();
        using var gradients = enable_grad();
        var leaf = x.detach().requires_grad_(true);
        return Gradient(leaf, sigma, labels, createGraph: false).detach().MoveToOuterDisposeScope();
    }

    Tensor Gradient(Tensor x, Tensor sigma, Tensor labels, bool createGraph)
    {
        var selected = LogProbabilities(x, sigma).gather(1, labels.to(ScalarType.Int64).unsqueeze(1)).sum();
        // create_graph and retain_graph both: TorchSharp does not imply the second from the first.
        return autograd.grad(new[] { selected }, new[] { x }, create_graph: createGraph, retain_graph: createGraph)[0];
    }

    /// <summary>
    /// Another reference to the same network, to dispose on its own: the network is freed only when this classifier and
    /// every share of it are disposed.
    /// </summary>
    public NoiseConditionalClassifier Share() => new(lease.Share(), SoftmaxEpsilon);

    /// <summary>Releases this reference; the network is freed when no other share holds it.</summary>
    public void Dispose() => lease.Dispose();
}
