using System.Diagnostics;
using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// The default U-Net (<see cref="UNetOptions"/>'s defaults) on 1x28x28 images: training throughput (a forward and backward
/// pass and an Adam step at batch 64) and sampling throughput (network evaluations, i.e. images through a forward pass under
/// no_grad, at batch 250 as the Fashion-MNIST example samples). Median of the timed repeats after one warm-up.
/// </summary>
internal static class ImageBenchmarks
{
    public static Dictionary<string, object> UNet(int repeats)
    {
        var shape = new ImageShape(1, 28, 28);
        using var network = new NoiseConditionalUNet(shape, new UNetOptions(), seed: 1);
        using var generator = new Generator(3);
        using var x = rand(new long[] { 64, shape.Size }, generator: generator);
        using var z = randn(new long[] { 64, shape.Size }, generator: generator);
        using var sigma = exp(rand(new long[] { 64 }, generator: generator) * 8 - 4);
        // Through the training core, as Fit trains: the first step is the warm-up.
        var trainMs = FixedBatchDenoising.TimeSteps(network, new FixedBatchDenoising(network, x, z, sigma), 1 + Math.Max(3, repeats))
            .Skip(1).Select(ms => Math.Round(ms, 1)).ToList();

        using var batch = rand(new long[] { 250, shape.Size }, generator: generator);
        using var levels = full(250, 1f);
        void Evaluate()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            network.forward(batch, levels);
        }
        var evalMs = Measure(Evaluate, repeats);
        double trainMedian = Median(trainMs), evalMedian = Median(evalMs);
        return new Dictionary<string, object>
        {
            ["unet_parameters"] = network.parameters().Sum(p => p.numel()),
            ["unet_ms_per_step"] = Math.Round(trainMedian, 1),
            ["unet_train_images_per_s"] = Math.Round(64_000 / trainMedian, 1),
            ["unet_sampler_evals_per_s"] = Math.Round(250_000 / evalMedian, 1),
            ["unet_train_runs_ms"] = trainMs,
            ["unet_eval_batch250_runs_ms"] = evalMs,
        };
    }

    static List<double> Measure(Action work, int repeats)
    {
        work();   // warm-up: first-call allocations and kernel selection
        var times = new List<double>();
        for (int i = 0; i < Math.Max(3, repeats); i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            times.Add(Math.Round(clock.Elapsed.TotalMilliseconds, 1));
        }
        return times;
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
