using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Networks;

/// <summary>
/// Every network's gradients in float32 (the kernels training uses) against the same network, same weights, in float64,
/// which libtorch computes with other kernels. This is what caught libtorch 2.10's faulty convolution input gradient on
/// AVX-512 CPUs (docs/reliability.md). To see whether a CPU is affected, run these with the guard off:
/// <c>SCOREML_CONVOLUTION_GUARD=off dotnet test --filter GradientReference</c> fails on a family-26 AMD EPYC.
/// </summary>
[TestClass]
public sealed class GradientReferenceTests
{
    // Few channels on purpose: 8 (and the 1 or 3 image channels) are the output widths libtorch got wrong.
    static readonly UNetOptions TinyUNet = new() { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 8 } };
    static readonly ResNetOptions TinyResNet = new() { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 }, NoiseEmbeddingWidth = 16 };

    public static IEnumerable<object[]> Networks()
    {
        yield return new object[] { "U-Net 1x16x16", (Func<NoiseConditionalNetwork>)(() => new NoiseConditionalUNet(new ImageShape(1, 16, 16), TinyUNet, seed: 3)) };
        yield return new object[] { "U-Net 3x12x12", (Func<NoiseConditionalNetwork>)(() => new NoiseConditionalUNet(new ImageShape(3, 12, 12), TinyUNet, seed: 4)) };
        yield return new object[] { "U-Net default 1x28x28", (Func<NoiseConditionalNetwork>)(() => new NoiseConditionalUNet(new ImageShape(1, 28, 28), new UNetOptions(), seed: 5)) };
        yield return new object[] { "ResNet 1x16x16", (Func<NoiseConditionalNetwork>)(() => new NoiseConditionalResNet(new ImageShape(1, 16, 16), 5, TinyResNet, seed: 6)) };
        yield return new object[] { "ResNet 3x12x12", (Func<NoiseConditionalNetwork>)(() => new NoiseConditionalResNet(new ImageShape(3, 12, 12), 4, TinyResNet, seed: 7)) };
        yield return new object[] { "ResNet 16-32-64 1x28x28 (Fashion-MNIST's feature network)", (Func<NoiseConditionalNetwork>)(() =>
            new NoiseConditionalResNet(new ImageShape(1, 28, 28), 10, new ResNetOptions { BaseChannels = 16, BlocksPerStage = new[] { 2, 2, 2 } }, seed: 10)) };
        yield return new object[] { "MLP", (Func<NoiseConditionalNetwork>)(() => new NoiseConditionalMlp(6, 6, new MlpOptions(), seed: 8)) };
    }

    /// <summary>The gradient of sum(f(x, sigma) * u) with respect to x and every parameter, float32 against float64.</summary>
    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void InputAndParameterGradientsMatchFloat64(string name, Func<NoiseConditionalNetwork> create)
    {
        using var single = create();
        using var twin = create();
        twin.to(float64);
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        int batch = 6;
        var x = randn(new long[] { batch, single.Dimension }, generator: generator);
        var sigma = exp(randn(new long[] { batch }, generator: generator));
        var upstream = randn(new long[] { batch, single.Outputs }, generator: generator);

        var (inputGradient, parameterGradients) = Gradients(single, x, sigma, upstream);
        var (inputReference, parameterReferences) = Gradients(twin, x.to(float64), sigma.to(float64), upstream.to(float64));

        AssertClose(inputReference, inputGradient, $"{name}: input gradient");
        var names = TrainedParameterNames(single);
        for (int i = 0; i < parameterGradients.Length; i++)
            AssertClose(parameterReferences[i], parameterGradients[i], $"{name}: gradient of {names[i]}");
    }

    /// <summary>
    /// The DLSM loss backpropagates through an input gradient: the parameter gradient of |grad_x log p(y | x, sigma)|^2 (a
    /// second derivative of every layer) in float32 against float64, for the image classifier and the MLP classifier. The
    /// batch sizes matter: libtorch computes a convolution's second-order weight gradient as a convolution whose channels are
    /// the batch, and on AVX-512 CPUs it got that wrong (NaN) for batches above 16 that are not a multiple of 16 (24, 250).
    /// </summary>
    [TestMethod]
    [DataRow("ResNet", 5)]
    [DataRow("ResNet", 24)]
    [DataRow("ResNet", 40)]
    [DataRow("MLP", 5)]
    public void SecondDerivativesThroughTheInputGradientMatchFloat64(string kind, int batch)
    {
        NoiseConditionalNetwork Create() => kind == "ResNet"
            ? new NoiseConditionalResNet(new ImageShape(1, 12, 12), 3, TinyResNet, seed: 9)
            : new NoiseConditionalMlp(4, 3, new MlpOptions { ScaleOutputBySigma = false }, seed: 9);
        using var single = Create();
        using var twin = Create();
        twin.to(float64);
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var x = randn(new long[] { batch, single.Dimension }, generator: generator);
        var sigma = exp(randn(new long[] { batch }, generator: generator) * 0.5);
        var labels = arange(batch, dtype: ScalarType.Int64) % 3;

        var gradients = DlsmLikeParameterGradients(single, x, sigma, labels);
        var references = DlsmLikeParameterGradients(twin, x.to(float64), sigma.to(float64), labels);
        var names = TrainedParameterNames(single);
        for (int i = 0; i < gradients.Length; i++)
            AssertClose(references[i], gradients[i], $"{kind}, batch {batch}: second-order gradient of {names[i]}");
    }

    /// <summary>
    /// The guard's own check: whatever libtorch's plain kernel does on this CPU, the guarded convolution's input gradient
    /// equals the float64 one. Where the plain kernel is faulty, this also shows that the check finds it.
    /// </summary>
    [TestMethod]
    public void TheGuardedConvolutionIsRightWhereLibTorchsKernelIsNot()
    {
        double plainError = ConvolutionGuard.CheckLibTorchKernel(calls: 3);
        using var convolution = new GuardedConv2d(32, 1, 3);
        using var reference = new GuardedConv2d(32, 1, 3);
        using (no_grad()) reference.Weight.copy_(convolution.Weight);
        reference.to(float64);
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        for (int call = 0; call < 3; call++)
        {
            var x = randn(new long[] { 16, 32, 28, 28 }, generator: generator).requires_grad_();
            var upstream = randn(new long[] { 16, 1, 28, 28 }, generator: generator);
            (convolution.forward(x) * upstream).sum().backward();
            var x64 = x.detach().to(float64).requires_grad_();
            (reference.forward(x64) * upstream.to(float64)).sum().backward();
            if (ConvolutionGuard.Enabled) Assert.IsTrue(convolution.IsGuarded(x), "32 -> 1 channels in float32 on the CPU takes the guarded path");
            AssertClose(x64.grad!, x.grad!, $"guarded 32 -> 1 convolution, call {call} (libtorch's plain kernel is off by {plainError:G3} here)");
        }
        Console.WriteLine($"libtorch's plain 32 -> 1 kernel on this CPU is off by {plainError:G3} ({CpuName()})");
    }

    static string[] TrainedParameterNames(NoiseConditionalNetwork network) =>
        network.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToArray();

    static (Tensor Input, Tensor[] Parameters) Gradients(NoiseConditionalNetwork network, Tensor x, Tensor sigma, Tensor upstream)
    {
        network.train();
        var input = x.detach().requires_grad_();
        var parameters = network.parameters().Where(p => p.requires_grad).ToArray();
        var output = network.forward(input, sigma);
        var gradients = autograd.grad(new[] { (output * upstream).sum() }, new[] { input }.Concat(parameters).ToArray());
        return (gradients[0], gradients.Skip(1).ToArray());
    }

    static Tensor[] DlsmLikeParameterGradients(NoiseConditionalNetwork network, Tensor x, Tensor sigma, Tensor labels)
    {
        network.train();
        var input = x.detach().requires_grad_();
        var logProbability = nn.functional.log_softmax(network.forward(input, sigma), 1).gather(1, labels.unsqueeze(1)).sum();
        var inputGradient = autograd.grad(new[] { logProbability }, new[] { input }, create_graph: true, retain_graph: true)[0];
        var loss = (inputGradient * sigma.unsqueeze(1)).pow(2).sum();
        var parameters = network.parameters().Where(p => p.requires_grad).ToArray();
        return autograd.grad(new[] { loss }, parameters).ToArray();
    }

    /// <summary>Elementwise |actual - reference| within 1e-3 of the reference's largest magnitude (float32 rounding), no NaN.</summary>
    static void AssertClose(Tensor reference, Tensor actual, string what)
    {
        var actual64 = actual.to(float64);
        Assert.AreEqual(0L, actual64.isnan().sum().item<long>(), $"{what}: NaN in the float32 gradient");
        double scale = reference.abs().max().item<double>();
        double error = (actual64 - reference).abs().max().item<double>();
        Assert.IsLessThanOrEqualTo(1e-3 * scale + 1e-6, error, $"{what}: largest difference {error:G3} against a largest value of {scale:G3}");
    }

    static string CpuName() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
