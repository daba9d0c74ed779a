using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The process-wide switch for <see cref="GuardedConv2d"/>'s workaround, and a check of libtorch's own kernel on this CPU.
/// The guard is on unless the environment variable <c>SCOREML_CONVOLUTION_GUARD</c> is <c>off</c> at start-up or
/// <see cref="Enabled"/> is set to false. Turning it off is for diagnosis (the gradient tests then show whether this CPU is
/// affected) or for speed on a CPU where <see cref="CheckLibTorchKernel"/> finds libtorch's kernel right.
/// </summary>
public static class ConvolutionGuard
{
    /// <summary>The environment variable read once at start-up; <c>off</c> disables the guard.</summary>
    public const string EnvironmentVariable = "SCOREML_CONVOLUTION_GUARD";

    static volatile bool enabled = !string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether convolutions with a channel count that libtorch gets wrong on some CPUs take the padded path.</summary>
    public static bool Enabled
    {
        get => enabled;
        set => enabled = value;
    }

    /// <summary>
    /// Measures libtorch's plain float32 kernel on this CPU: the input gradient of a 3x3 convolution from 32 to 1 channels
    /// (a U-Net's output layer) on <paramref name="calls"/> random batches of 16 28x28 maps, against the same gradient in
    /// float64. Returns the largest absolute difference (infinity when a value is NaN); on correct kernels it is about
    /// 1e-6, on the faulty ones of order 1 or NaN.
    /// </summary>
    public static double CheckLibTorchKernel(int calls = 4, long seed = 1)
    {
        if (calls <= 0) throw new ArgumentOutOfRangeException(nameof(calls), calls, "At least one call is needed.");
        using var generator = new Generator((ulong)seed);
        double worst = 0;
        for (int call = 0; call < calls; call++)
        {
            using var scope = NewDisposeScope();
            var x = randn(new long[] { 16, 32, 28, 28 }, generator: generator).requires_grad_();
            var w = (randn(new long[] { 1, 32, 3, 3 }, generator: generator) * 0.1).requires_grad_();
            var upstream = randn(new long[] { 16, 1, 28, 28 }, generator: generator);
            var padding = new long[] { 1, 1 };
            (nn.functional.conv2d(x, w, padding: padding) * upstream).sum().backward();
            var x64 = x.detach().to(float64).requires_grad_();
            (nn.functional.conv2d(x64, w.detach().to(float64), padding: padding) * upstream.to(float64)).sum().backward();
            double difference = (x.grad!.to(float64) - x64.grad!).abs().max().item<double>();
            worst = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(worst, difference);
        }
        return worst;
    }
}
