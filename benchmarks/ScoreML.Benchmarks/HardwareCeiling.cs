using System.Diagnostics;
using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// What this machine allows at the two-moons configuration: libtorch's float32 matrix-product throughput (2048 x 2048,
/// the library's thread setting), and from it the time the matrix products of one training step need at that rate, a
/// floor under the step time that no loop can beat without changing the model (the element-wise work comes on top).
/// </summary>
internal static class HardwareCeiling
{
    const int Batch = 4000;
    const int Dimension = 2;   // two moons; the classifier has two classes, so its widths equal the score network's

    public static Dictionary<string, object> Measure(int repeats)
    {
        double gflops = MatrixProductGflops(2048, Math.Max(3, repeats));
        // Products of one forward pass, 2 B sum(in * out), with sigma's embedding as an extra input (the joint layout).
        int[] widths = new[] { Dimension + 1 }.Concat(new MlpOptions().HiddenSizes).Append(Dimension).ToArray();
        double forward = 0;
        for (int i = 0; i + 1 < widths.Length; i++) forward += 2.0 * Batch * widths[i] * widths[i + 1];
        double firstLayer = 2.0 * Batch * widths[0] * widths[1];
        // DSM (LCSS the same): forward, then the weights' gradients (one product per layer) and the inputs' gradients
        // (every layer but the first, whose input needs none).
        double dsm = 3 * forward - firstLayer;
        // DLSM + CE: the frozen prior's forward, the classifier's forward, its input gradient (create_graph: every layer),
        // then the backward through both: two products per layer through the input-gradient graph, and the weights' and
        // inputs' gradients through the forward graph (not the first layer's input).
        double dlsm = forward + forward + forward + 2 * forward + (2 * forward - firstLayer);
        return new Dictionary<string, object>
        {
            ["sgemm_2048_gflops"] = Math.Round(gflops, 1),
            ["dsm_matmul_mflop"] = Math.Round(dsm / 1e6, 1),
            ["dsm_matmul_floor_ms"] = Math.Round(dsm / gflops / 1e6, 2),
            ["dlsm_matmul_mflop"] = Math.Round(dlsm / 1e6, 1),
            ["dlsm_matmul_floor_ms"] = Math.Round(dlsm / gflops / 1e6, 2),
        };
    }

    // Median over repeats of a square product; libtorch (MKL here) reaches its best rate at this size.
    internal static double MatrixProductGflops(int n, int repeats)
    {
        using var a = randn(n, n);
        using var b = randn(n, n);
        var rates = new List<double>();
        for (int r = -1; r < repeats; r++)   // one warm-up
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 5; i++) a.mm(b);
            if (r >= 0) rates.Add(5 * 2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
        }
        return rates.Order().ElementAt(rates.Count / 2);
    }
}
