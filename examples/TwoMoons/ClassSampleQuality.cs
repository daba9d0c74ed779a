using ScoreML.Examples;
using ScoreML;
using static TorchSharp.torch;

namespace TwoMoons;

/// <summary>
/// One class's generated rows against the clean points of that class: precision and recall (k-NN balls, strict comparisons,
/// radii excluding the point itself, as <see cref="PrecisionRecallDensityCoverage"/>), the share of rows whose nearest clean
/// point (of either class) has the asked class, and the unbiased MMD^2 with a Gaussian kernel (as
/// <see cref="MaximumMeanDiscrepancy"/>). Each comes with bootstrap replicates over the generated rows.
/// </summary>
/// <remarks>
/// Every pairwise quantity is computed once on the full sample and a resample only reweights it by how often it draws each
/// row, so 200 resamples cost a few matrix products instead of 200 metric runs. The real set is not resampled: its k-NN
/// radii stay fixed. For recall the generated balls keep the radii of the full sample (a resample's duplicates would shrink
/// them to zero) and a resample covers a real point when it holds any row whose ball contains it. For MMD^2 a resample's
/// duplicate pairs count as distinct pairs (kernel value 1), the usual naive bootstrap of a U-statistic.
/// </remarks>
internal static class ClassSampleQuality
{
    /// <summary>Point values (ScoreML's own metrics) and the replicates, one per resample, of one class.</summary>
    internal sealed record Replicates(double[] Values, double[][] Resampled, double[] Check);

    public static readonly string[] Metrics = { "precision", "recall", "class_share", "mmd2" };

    /// <param name="generated">[m, 2] rows generated for class <paramref name="cls"/>.</param>
    /// <param name="clean">[n, 2] clean points of both classes; <paramref name="labels"/> their classes.</param>
    /// <param name="counts">[resamples][m] how often each resample draws each generated row.</param>
    public static Replicates Measure(float[] generated, float[] clean, int[] labels, int cls, int k, int[][] counts)
    {
        float[] reference = Enumerable.Range(0, labels.Length).Where(i => labels[i] == cls).SelectMany(i => new[] { clean[2 * i], clean[2 * i + 1] }).ToArray();
        double bandwidth = MedianDistance(reference);
        var prdc = PrecisionRecallDensityCoverage.Compute(new FeatureMatrix(reference, 2, "real"), new FeatureMatrix(generated, 2, "generated"), k);
        double mmd = MaximumMeanDiscrepancy.Squared(reference, generated, 2, bandwidth);

        using var scope = NewDisposeScope();
        int m = generated.Length / 2, n = reference.Length / 2, b = counts.Length;
        var g = tensor(generated, new long[] { m, 2 }).to(ScalarType.Float64);
        var r = tensor(reference, new long[] { n, 2 }).to(ScalarType.Float64);
        var all = tensor(clean, new long[] { labels.Length, 2 }).to(ScalarType.Float64);
        var gr = Squared(g, r);
        var gg = Squared(g, g);
        var rr = Squared(r, r);
        var realRadii = rr.topk(k + 1, dim: 1, largest: false).values.select(1, k);      // the k-th neighbour; the point itself comes first
        var generatedRadii = gg.topk(k + 1, dim: 1, largest: false).values.select(1, k);

        var weights = tensor(counts.SelectMany(c => c).Select(c => (double)c).ToArray(), new long[] { b, m }).t();   // [m, B]
        var inPrecision = gr.lt(realRadii.unsqueeze(0)).any(1).to(ScalarType.Float64);             // [m]
        var nearestLabel = tensor(labels.Select(l => (long)l).ToArray()).index_select(0, Squared(g, all).argmin(1));
        var inClass = nearestLabel.eq(cls).to(ScalarType.Float64);
        var covers = gr.t().lt(generatedRadii.unsqueeze(0)).to(ScalarType.Float32);                  // [n, m]: row j's ball holds real i
        var kernelGg = exp(-gg / (2 * bandwidth * bandwidth));
        var kernelGrRows = exp(-gr / (2 * bandwidth * bandwidth)).sum(1);
        double realTerm = (exp(-rr / (2 * bandwidth * bandwidth)).sum().item<double>() - n) / ((double)n * (n - 1));

        Tensor Precision(Tensor w) => inPrecision.matmul(w) / (double)m;
        Tensor Share(Tensor w) => inClass.matmul(w) / (double)m;
        Tensor Recall(Tensor w) => covers.matmul(w.gt(0).to(ScalarType.Float32)).gt(0).to(ScalarType.Float64).mean(new long[] { 0 });
        // sum(dim: 0): a bare literal 0 would bind to sum(ScalarType) and sum in uint8.
        Tensor Mmd(Tensor w) => ((w * kernelGg.matmul(w)).sum(dim: 0) - m) / ((double)m * (m - 1)) + realTerm - 2 * kernelGrRows.matmul(w) / ((double)m * n);
        var functions = new Func<Tensor, Tensor>[] { Precision, Recall, Share, Mmd };

        var whole = ones(m, 1, dtype: ScalarType.Float64);
        double[] check = functions.Select(f => f(whole).item<double>()).ToArray();
        double[][] resampled = functions.Select(f => f(weights).data<double>().ToArray()).ToArray();
        return new Replicates(new[] { prdc.Precision, prdc.Recall, check[2], mmd }, resampled, check);
    }

    /// <summary>[resamples][m] draw counts of a bootstrap: m rows drawn with replacement, the same seed the same draws.</summary>
    public static int[][] DrawCounts(int rows, int resamples, int seed)
    {
        var random = new Random(seed);
        var counts = new int[resamples][];
        for (int b = 0; b < resamples; b++)
        {
            counts[b] = new int[rows];
            for (int i = 0; i < rows; i++) counts[b][random.Next(rows)]++;
        }
        return counts;
    }

    /// <summary>The median distance between distinct reference points: the bandwidth of the median heuristic, fixed per class so
    /// that every sampler is measured with the same kernel.</summary>
    public static double MedianDistance(float[] reference)
    {
        using var scope = NewDisposeScope();
        int n = reference.Length / 2;
        var r = tensor(reference, new long[] { n, 2 }).to(ScalarType.Float64);
        var distinct = ones(n, n, dtype: ScalarType.Bool).triu(1);
        return Squared(r, r).masked_select(distinct).sqrt().median().item<double>();
    }

    // Squared Euclidean distances [a, b] in float64, exact enough that no strict comparison of this study is decided by round-off.
    static Tensor Squared(Tensor a, Tensor b) => (a.unsqueeze(1) - b.unsqueeze(0)).square().sum(2);
}
