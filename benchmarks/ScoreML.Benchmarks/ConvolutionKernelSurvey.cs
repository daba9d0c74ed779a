using System.Diagnostics;
using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// Which float32 CPU convolution shapes libtorch gets wrong on this machine, with and without <see cref="GuardedConv2d"/>'s
/// padding, and what the guard costs. Each shape (input channels, output channels, kernel, stride, map size) is run three
/// times on random data against the same convolution in float64; a shape is wrong when the forward values, the input
/// gradient or the weight gradient differ by more than 1e-4 of their largest magnitude. The cost is the default U-Net's
/// training step at batch 64 (and the quick preset's 16-channel U-Net), guard on and off interleaved A/B/A/B.
/// </summary>
internal static class ConvolutionKernelSurvey
{
    static readonly int[] Inputs = { 1, 2, 3, 8, 12, 16, 17, 24, 32, 40, 48, 64, 80, 96, 128 };
    static readonly int[] Outputs = { 1, 3, 8, 15, 16, 17, 24, 32, 48, 64, 96 };

    public static Dictionary<string, object> Measure(int repeats)
    {
        bool was = ConvolutionGuard.Enabled;
        try
        {
            ConvolutionGuard.Enabled = false;
            var plainWrong = WrongShapes();
            ConvolutionGuard.Enabled = true;
            var guardedWrong = WrongShapes();
            var cost = GuardCost(repeats);
            int total = Inputs.Length * Outputs.Length * 2 * 2 * 2;
            var result = new Dictionary<string, object>
            {
                ["kernels_shapes_tried"] = total,
                ["kernels_wrong_plain"] = plainWrong.Count,
                ["kernels_wrong_guarded"] = guardedWrong.Count,
                ["kernels_wrong_plain_examples"] = plainWrong.Take(40).ToList(),
                ["kernels_wrong_guarded_list"] = guardedWrong,
            };
            foreach (var (key, value) in cost) result[key] = value;
            return result;
        }
        finally
        {
            ConvolutionGuard.Enabled = was;
        }
    }

    static List<string> WrongShapes()
    {
        var wrong = new List<string>();
        using var generator = new Generator(1);
        foreach (int inputs in Inputs)
        foreach (int outputs in Outputs)
        foreach (int kernel in new[] { 1, 3 })
        foreach (int stride in new[] { 1, 2 })
        foreach (int side in new[] { 14, 28 })
        {
            double error = WorstRelativeError(inputs, outputs, kernel, stride, side, generator);
            if (!(error <= 1e-4)) wrong.Add($"{inputs}->{outputs} k{kernel} s{stride} {side}x{side}: {error:G2}");
        }
        return wrong;
    }

    static double WorstRelativeError(int inputs, int outputs, int kernel, int stride, int side, Generator generator)
    {
        using var convolution = new GuardedConv2d(inputs, outputs, kernel, stride);
        using var reference = new GuardedConv2d(inputs, outputs, kernel, stride);
        using (no_grad())
        {
            reference.Weight.copy_(convolution.Weight);
            reference.Bias!.copy_(convolution.Bias!);
        }
        reference.to(float64);
        double worst = 0;
        for (int call = 0; call < 3; call++)
        {
            using var scope = NewDisposeScope();
            convolution.zero_grad();
            reference.zero_grad();
            var x = randn(new long[] { 8, inputs, side, side }, generator: generator).requires_grad_();
            var y = convolution.forward(x);
            var upstream = randn(y.shape, generator: generator);
            (y * upstream).sum().backward();
            var x64 = x.detach().to(float64).requires_grad_();
            var y64 = reference.forward(x64);
            (y64 * upstream.to(float64)).sum().backward();
            worst = Math.Max(worst, Relative(y, y64));
            worst = Math.Max(worst, Relative(x.grad!, x64.grad!));
            worst = Math.Max(worst, Relative(convolution.Weight.grad!, reference.Weight.grad!));
        }
        return worst;
    }

    static double Relative(Tensor actual, Tensor reference)
    {
        double error = (actual.to(float64) - reference).abs().max().item<double>();
        return double.IsNaN(error) ? double.PositiveInfinity : error / Math.Max(reference.abs().max().item<double>(), 1e-12);
    }

    static Dictionary<string, object> GuardCost(int repeats)
    {
        var result = new Dictionary<string, object>();
        foreach (var (name, options) in new[] { ("default", new UNetOptions()), ("quick16", new UNetOptions { BaseChannels = 16 }) })
        {
            var shape = new ImageShape(1, 28, 28);
            using var network = new NoiseConditionalUNet(shape, options, seed: 1);
            using var generator = new Generator(3);
            using var x = rand(new long[] { 64, shape.Size }, generator: generator);
            using var z = randn(new long[] { 64, shape.Size }, generator: generator);
            using var sigma = exp(rand(new long[] { 64 }, generator: generator) * 8 - 4);
            // Through the training core, the guard on for even steps and off for odd ones; the first two warm up both paths'
            // kernel choices.
            int rounds = Math.Max(5, repeats);
            var loss = new FixedBatchDenoising(network, x, z, sigma, step => ConvolutionGuard.Enabled = step % 2 == 0);
            double[] times;
            try
            {
                times = FixedBatchDenoising.TimeSteps(network, loss, 2 + 2 * rounds);
            }
            finally
            {
                ConvolutionGuard.Enabled = true;
            }
            var on = Enumerable.Range(1, rounds).Select(round => Math.Round(times[2 * round], 1)).ToList();
            var off = Enumerable.Range(1, rounds).Select(round => Math.Round(times[2 * round + 1], 1)).ToList();
            var ratios = on.Zip(off, (a, b) => a / b).Order().ToList();
            result[$"guard_cost_unet_{name}_ms_on"] = on;
            result[$"guard_cost_unet_{name}_ms_off"] = off;
            result[$"guard_cost_unet_{name}_ratio_median"] = Math.Round(ratios[ratios.Count / 2], 3);
            result[$"guard_cost_unet_{name}_ratio_range"] = new[] { Math.Round(ratios[0], 3), Math.Round(ratios[^1], 3) };
        }
        ConvolutionGuard.Enabled = true;
        return result;
    }
}
