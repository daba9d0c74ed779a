using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Tests.Networks;

[TestClass]
public sealed class ImageNetworkTests
{
    // Small shapes of the default families so that each test runs in well under a second.
    static UNetOptions SmallUNet(int attentionAt) => new()
    {
        BaseChannels = 8, ChannelMultipliers = new[] { 1, 2, 2 }, AttentionResolutions = new[] { attentionAt },
    };

    static ResNetOptions SmallResNet => new() { BaseChannels = 8, BlocksPerStage = new[] { 1, 1, 1, 1 }, NoiseEmbeddingWidth = 16 };

    [TestMethod]
    [DataRow(1, 28)]
    [DataRow(3, 28)]
    [DataRow(1, 32)]
    [DataRow(3, 32)]
    public void UNetGivesOneScorePerInputValue(int channels, int size)
    {
        var shape = new ImageShape(channels, size, size);
        using var network = new NoiseConditionalUNet(shape, SmallUNet(attentionAt: size / 2), seed: 1);
        using var scope = NewDisposeScope();
        var output = network.forward(randn(3, shape.Size), tensor(new[] { 0.01f, 1f, 50f }));
        CollectionAssert.AreEqual(new long[] { 3, shape.Size }, output.shape);
        Assert.IsTrue(output.isfinite().all().item<bool>());
        CollectionAssert.AreEqual(new long[] { 3, 8 }, network.PenultimateFeatures(randn(3, shape.Size), ones(3)).shape);
    }

    [TestMethod]
    [DataRow(1, 28)]
    [DataRow(3, 28)]
    [DataRow(1, 32)]
    [DataRow(3, 32)]
    public void ResNetGivesOneLogitPerClass(int channels, int size)
    {
        var shape = new ImageShape(channels, size, size);
        using var network = new NoiseConditionalResNet(shape, classes: 10, SmallResNet, seed: 1);
        using var scope = NewDisposeScope();
        var output = network.forward(randn(4, shape.Size), tensor(new[] { 0.01f, 0.1f, 1f, 50f }));
        CollectionAssert.AreEqual(new long[] { 4, 10 }, output.shape);
        Assert.IsTrue(output.isfinite().all().item<bool>());
        CollectionAssert.AreEqual(new long[] { 4, network.FeatureWidth }, network.PenultimateFeatures(randn(4, shape.Size), ones(4)).shape);
        Assert.AreEqual(64, network.FeatureWidth);
    }

    // The layers are invoked with call(), so a forward hook on any of them fires, as in PyTorch: every convolution and
    // linear layer of a U-Net and a ResNet runs exactly once per forward pass and reports its own output.
    [TestMethod]
    public void ForwardHooksOnEveryLayerFireOncePerPass()
    {
        var shape = new ImageShape(1, 28, 28);
        using var unet = new NoiseConditionalUNet(shape, SmallUNet(attentionAt: 7), seed: 1);
        using var resnet = new NoiseConditionalResNet(shape, classes: 10, SmallResNet, seed: 1);
        foreach (NoiseConditionalNetwork network in new NoiseConditionalNetwork[] { unet, resnet })
        {
            var calls = new Dictionary<string, int>();
            var layers = network.named_modules().Where(m => m.module is GuardedConv2d or TorchSharp.Modules.Linear).ToList();
            Assert.IsGreaterThan(10, layers.Count, $"{network.GetName()} has {layers.Count} layers");
            foreach (var (name, module) in layers)
            {
                calls[name] = 0;
                ((nn.Module<Tensor, Tensor>)module).register_forward_hook((layer, input, output) =>
                {
                    calls[name]++;
                    Assert.AreEqual(input.shape[0], output.shape[0], name);
                    return output;   // unchanged
                });
            }
            using var scope = NewDisposeScope();
            network.forward(randn(3, shape.Size), tensor(new[] { 0.1f, 1f, 10f }));
            foreach (var (name, count) in calls) Assert.AreEqual(1, count, $"{network.GetName()}: layer {name}");
        }
    }

    [TestMethod]
    public void SameSeedSameNetworkAndRowsAreIndependentOfTheirBatch()
    {
        var shape = new ImageShape(1, 28, 28);
        using var a = new NoiseConditionalUNet(shape, SmallUNet(attentionAt: 7), seed: 5);
        using var b = new NoiseConditionalUNet(shape, SmallUNet(attentionAt: 7), seed: 5);
        using var c = new NoiseConditionalUNet(shape, SmallUNet(attentionAt: 7), seed: 6);
        using var scope = NewDisposeScope();
        var x = randn(4, shape.Size);
        var sigma = tensor(new[] { 0.1f, 1f, 5f, 20f });
        var output = a.forward(x, sigma);
        Assert.IsTrue((output == b.forward(x, sigma)).all().item<bool>(), "same seed, same weights");
        Assert.IsFalse(allclose(output, c.forward(x, sigma)), "another seed, other weights");
        // Group normalisation: a row's output does not depend on the other rows of its batch.
        var alone = a.forward(x.narrow(0, 2, 1), sigma.narrow(0, 2, 1));
        Assert.IsTrue(allclose(alone, output.narrow(0, 2, 1), rtol: 1e-4, atol: 1e-5));
        // Output divided by sigma: at sigma = 20 the score is small.
        Assert.IsLessThan(output[0].abs().max().item<float>(), output[3].abs().max().item<float>());
    }

    [TestMethod]
    public void WrongRowWidthIsAClearError()
    {
        using var network = new NoiseConditionalResNet(new ImageShape(1, 28, 28), 10, SmallResNet, seed: 1);
        using var scope = NewDisposeScope();
        var e = Assert.ThrowsExactly<ArgumentException>(() => network.forward(randn(2, 3 * 28 * 28), ones(2)));
        StringAssert.Contains(e.Message, "784 values (images 1x28x28)");
        StringAssert.Contains(e.Message, "[2, 2352]");
        var bad = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NoiseConditionalUNet(new ImageShape(1, 28, 28), new UNetOptions { ChannelMultipliers = Array.Empty<int>() }, 1));
        StringAssert.Contains(bad.Message, "UNet.ChannelMultipliers");
    }

    [TestMethod]
    public void OneAdamStepOnAFixedBatchLowersTheDenoisingLoss()
    {
        // The U-Net's denoising loss |sigma s(x + sigma z) + z|^2 on one fixed batch of tiny 1x8x8 images falls after a few
        // Adam steps: gradients reach every part of the network the loss depends on.
        var shape = new ImageShape(1, 8, 8);
        using var network = new NoiseConditionalUNet(shape, new UNetOptions { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 } }, seed: 3);
        using var generator = new Generator(4);
        using var scope = NewDisposeScope();
        var x = rand(new long[] { 16, shape.Size }, generator: generator);
        var sigma = exp(rand(new long[] { 16 }, generator: generator) * 3 - 2);
        var z = randn(new long[] { 16, shape.Size }, generator: generator);
        Tensor Loss() => (network.forward(x + sigma.unsqueeze(1) * z, sigma) * sigma.unsqueeze(1) + z).pow(2).sum(1).mean();
        var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        double before = Loss().item<float>();
        for (int step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            Loss().backward();
            optimizer.step();
        }
        double after = Loss().item<float>();
        Assert.IsLessThan(0.9 * before, after, $"loss {before} -> {after}");
        Assert.IsTrue(network.parameters().Where(p => p.requires_grad).All(p => p.grad is not null), "every trained parameter got a gradient");
    }
}
