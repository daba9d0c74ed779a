using ScoreML.Networks;
using ScoreML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Training;

/// <summary>
/// The trainers run Adam and the EMA on one flat buffer of all trainable parameters. That must be a pure speed-up: the
/// same steps on the same network with TorchSharp's Adam over the separate parameters give the same weights bit for bit.
/// </summary>
[TestClass]
public sealed class ContiguousParametersTests
{
    [TestMethod]
    [DataRow(0.0, DisplayName = "Adam")]
    [DataRow(1e-2, DisplayName = "Adam with weight decay")]
    public void AdamOnTheFlatBufferEqualsAdamPerParameter(double weightDecay)
    {
        using var separate = Network();
        using var flat = Network();
        using var separateAdam = optim.Adam(separate.parameters(), 1e-2, weight_decay: weightDecay);
        using var parameters = new ContiguousParameters(flat);
        using var flatAdam = optim.Adam(new[] { parameters.Values }, 1e-2, weight_decay: weightDecay);
        using var data = Batch(seed: 3);
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            separateAdam.zero_grad();
            Loss(separate, data, step).backward();
            separateAdam.step();
            parameters.ZeroGradients();
            Loss(flat, data, step).backward();
            flatAdam.step();
        }
        AssertSameWeights(separate, flat);
        Assert.IsGreaterThan(0f, parameters.Gradients.abs().sum().item<float>(), "the backward pass wrote into the flat gradient buffer");
    }

    [TestMethod]
    public void TheEmaOfTheFlatBufferEqualsThePerParameterAverage()
    {
        using var network = Network();
        using var parameters = new ContiguousParameters(network);
        using var ema = new ExponentialMovingAverage(parameters, 0.9);
        var expected = network.parameters().Where(p => p.requires_grad).Select(p => p.detach().clone()).ToArray();
        for (int update = 1; update <= 5; update++)
        {
            using (no_grad())
                foreach (var p in parameters.Parameters) p.add_(1f);
            ema.Update();
            double d = Math.Min(0.9, (1.0 + update) / (10.0 + update));
            var current = parameters.Parameters.ToArray();
            for (int i = 0; i < expected.Length; i++) expected[i].mul_(d).add_(current[i].detach(), alpha: 1 - d);
        }
        ema.CopyToModule();
        var averaged = network.parameters().Where(p => p.requires_grad).ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(expected[i].eq(averaged[i]).all().item<bool>(), $"parameter {i}");
    }

    [TestMethod]
    public void FrozenParametersKeepTheirOwnStorage()
    {
        using var network = new NoiseConditionalMlp(2, 2, new MlpOptions { NoiseEmbedding = NoiseEmbeddingKind.Fourier }, seed: 1);
        long trainable = network.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        using var parameters = new ContiguousParameters(network);
        Assert.AreEqual(trainable, parameters.Values.numel());
        Assert.IsTrue(network.parameters().Any(p => !p.requires_grad), "the Fourier frequencies are a frozen parameter");
    }

    static NoiseConditionalMlp Network() => new(2, 2, new MlpOptions { HiddenSizes = new[] { 16, 8 } }, seed: 5);

    static Tensor Batch(int seed) => randn(new long[] { 64, 2 }, generator: new Generator((ulong)seed));

    static Tensor Loss(NoiseConditionalMlp network, Tensor data, int step)
    {
        var sigma = full(data.shape[0], 0.1 + 0.05 * step);
        return network.forward(data, sigma).square().mean();
    }

    static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var a = expected.named_parameters().ToArray();
        var b = actual.named_parameters().ToArray();
        Assert.HasCount(a.Length, b);
        for (int i = 0; i < a.Length; i++)
            Assert.IsTrue(a[i].parameter.eq(b[i].parameter).all().item<bool>(), $"{a[i].name} differs after training");
    }
}
