using ScoreML;
using ScoreML.Data;
using static TorchSharp.torch;

namespace TwoMoons;

/// <summary>
/// The noise-conditional cross-entropy of a classifier on one fixed draw of noisy points (t ~ U(0, 1) under the study's SDE),
/// so values at different training steps compare the classifier alone.
/// </summary>
internal sealed class CrossEntropyProbe
{
    const int Points = 4000;
    readonly float[] x;
    readonly float[] sigma;
    readonly long[] labels;

    public CrossEntropyProbe(LabelledPoints data, StochasticDifferentialEquation sde, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed + 99);
        var index = randperm(data.Count, generator: generator).narrow(0, 0, Math.Min(Points, data.Count));
        var x0 = tensor(data.Features, new long[] { data.Count, 2 }).index_select(0, index);
        var t = rand(new long[] { index.shape[0] }, generator: generator) * (1 - sde.SamplingEpsilon) + sde.SamplingEpsilon;
        var std = sde.MarginalStd(t);
        x = (x0 + std.unsqueeze(1) * randn(x0.shape, generator: generator)).data<float>().ToArray();
        sigma = std.data<float>().ToArray();
        labels = index.data<long>().Select(i => (long)data.Labels[i]).ToArray();
    }

    public double Measure(NoiseConditionalClassifier classifier)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = classifier.Network.parameters().First().device;
        var logits = classifier.Logits(tensor(x, new long[] { labels.Length, 2 }, device: device), tensor(sigma, device: device));
        return nn.functional.cross_entropy(logits, tensor(labels, device: device)).item<float>();
    }
}
