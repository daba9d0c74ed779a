using static TorchSharp.torch;

namespace ScoreML.Tests.ClassifierFree;

/// <summary>
/// The class-conditional MLP and U-Net: a class embedding with a reserved "no class" entry, which forward(x, sigma) uses; refusals
/// of classes out of range and of classes given to an unconditional network; saved descriptions rebuild the conditioning.
/// </summary>
[TestClass]
public sealed class ClassConditionalNetworkTests
{
    static IEnumerable<object[]> Networks()
    {
        yield return new object[] { "mlp joint" };
        yield return new object[] { "mlp two-branch" };
        yield return new object[] { "unet" };
    }

    static NoiseConditionalNetwork Build(string kind, int classes) => kind switch
    {
        "mlp joint" => new NoiseConditionalMlp(3, 3, new MlpOptions { HiddenSizes = new[] { 16, 16 } }, 7, classes),
        "mlp two-branch" => new NoiseConditionalMlp(3, 3, new MlpOptions { HiddenSizes = new[] { 16, 16 }, Layout = NetworkLayout.TwoBranch, NoiseEmbedding = NoiseEmbeddingKind.Fourier }, 7, classes),
        _ => new NoiseConditionalUNet(new ImageShape(1, 8, 8), new UNetOptions { BaseChannels = 16, ChannelMultipliers = new[] { 1, 2 }, ResidualBlocksPerLevel = 1, AttentionResolutions = Array.Empty<int>() }, 7, classes),
    };

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void NoClassIsTheUnconditionalOutputAndClassesChangeIt(string kind)
    {
        using var network = Build(kind, 3);
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // The U-Net starts with a zero output layer (every input gives 0): move every weight as training would.
        using (var generator = new Generator(3))
            foreach (var parameter in network.parameters()) parameter.add_(randn(parameter.shape, generator: generator) * 0.1);
        var x = randn(new long[] { 4, network.Dimension }, generator: new Generator(1));
        var sigma = full(4, 0.5f);
        Assert.AreEqual(3, network.ConditionClasses);
        var unconditional = network.forward(x, sigma);
        var noClass = network.forward(x, sigma, full(4, NoiseConditionalNetwork.NoClass, ScalarType.Int64));
        Assert.IsTrue((unconditional == noClass).all().item<bool>(), "forward(x, sigma) is the no-class output");
        var class0 = network.forward(x, sigma, zeros(4, ScalarType.Int64));
        var class2 = network.forward(x, sigma, full(4, 2L, ScalarType.Int64));
        Assert.IsGreaterThan(1e-4, (class0 - class2).abs().max().item<float>(), "the class changes the output");
        Assert.IsGreaterThan(1e-4, (class0 - unconditional).abs().max().item<float>(), "a class differs from no class");
        // Row by row: each row's output depends on its own class only.
        var mixed = network.forward(x, sigma, tensor(new long[] { 0, 2, 0, 2 }));
        Assert.IsTrue(mixed[0].allclose(class0[0], 1e-5, 1e-6) && mixed[1].allclose(class2[1], 1e-5, 1e-6));
    }

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void ClassesOutOfRangeOrOfTheWrongShapeAreRefused(string kind)
    {
        using var network = Build(kind, 3);
        using var scope = NewDisposeScope();
        var x = zeros(2, network.Dimension);
        var sigma = full(2, 0.5f);
        var tooLarge = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.forward(x, sigma, tensor(new long[] { 0, 3 })));
        StringAssert.Contains(tooLarge.Message, "0..2");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.forward(x, sigma, tensor(new long[] { -2, 0 })));
        var shape = Assert.ThrowsExactly<ArgumentException>(() => network.forward(x, sigma, tensor(new long[] { 0, 1, 2 })));
        StringAssert.Contains(shape.Message, "one Int64 class per row");
        Assert.ThrowsExactly<ArgumentException>(() => network.forward(x, sigma, tensor(new[] { 0f, 1f })));
    }

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void AnUnconditionalNetworkRefusesClassesAndKeepsItsWeights(string kind)
    {
        using var network = Build(kind, 0);
        using var again = Build(kind, 0);
        using var scope = NewDisposeScope();
        Assert.AreEqual(0, network.ConditionClasses);
        var refusal = Assert.ThrowsExactly<NotSupportedException>(() => network.forward(zeros(1, network.Dimension), ones(1), zeros(1, ScalarType.Int64)));
        StringAssert.Contains(refusal.Message, "LabelColumnName");
        // No class embedding: the same parameters as ever, and a conditional twin only adds the embedding table.
        using var conditional = Build(kind, 3);
        var names = network.named_parameters().Select(p => p.name).ToHashSet();
        var extra = conditional.named_parameters().Select(p => p.name).Where(n => !names.Contains(n)).ToList();
        Assert.IsTrue(extra.Count == 1 && extra[0].Contains("classEmbedding"), string.Join(", ", extra));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Build(kind, 1));
    }

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void TheDescriptionRebuildsTheConditioning(string kind)
    {
        using var network = Build(kind, 4);
        var description = NetworkDescription.Of(network);
        Assert.AreEqual(4, description.ConditionClasses);
        StringAssert.Contains(description.Summary, "conditioned on 4 classes");
        using var rebuilt = description.Build("test");
        Assert.AreEqual(4, rebuilt.ConditionClasses);
        CollectionAssert.AreEqual(network.parameters().Select(p => string.Join("x", p.shape)).ToArray(),
            rebuilt.parameters().Select(p => string.Join("x", p.shape)).ToArray());
    }
}
