using System.Diagnostics;
using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// FID and PRDC at the size of the reference measurement: 10,000 real and 10,000 generated 2048-wide feature vectors
/// (Inception pool3 size), k = 3. The features are synthetic but shaped like pool3 activations: non-negative, correlated
/// (ReLU of a rank-128 projection plus noise), the generated set slightly shifted. Each timing is the median of the runs (each after a garbage collection),
/// from float32 features in memory to the final number (both sets' statistics for FID; both sets' radii for PRDC). Each
/// benchmark runs in its own process, so its peak resident memory (native memory included) is its own.
/// </summary>
internal static class EvaluationBenchmarks
{
    public static Dictionary<string, object> Fid(int rows, int dimension, int repeats)
    {
        var (real, generated) = Features(rows, dimension);
        CollectGarbage();
        double before = ProcessMemory.ResidentMiB();
        ProcessMemory.ResetPeak();
        var times = new List<double>();
        double fid = 0;
        for (int i = 0; i < repeats; i++)
        {
            CollectGarbage();
            var clock = Stopwatch.StartNew();
            fid = FrechetDistance.Compute(GaussianStatistics.Compute(real), GaussianStatistics.Compute(generated)).Value;
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return new Dictionary<string, object>
        {
            ["fid_10k_2048_s"] = Median(times),
            ["fid_runs_s"] = times,
            ["fid_peak_mib"] = Math.Round(ProcessMemory.PeakMiB(), 1),
            ["fid_resident_before_mib"] = Math.Round(before, 1),
            ["fid_value"] = fid,
        };
    }

    public static Dictionary<string, object> Prdc(int rows, int dimension, int repeats)
    {
        var (real, generated) = Features(rows, dimension);
        CollectGarbage();
        double before = ProcessMemory.ResidentMiB();
        ProcessMemory.ResetPeak();
        var times = new List<double>();
        PrdcResult? prdc = null;
        for (int i = 0; i < repeats; i++)
        {
            CollectGarbage();
            var clock = Stopwatch.StartNew();
            prdc = PrecisionRecallDensityCoverage.Compute(real: real, generated: generated, k: 3);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return new Dictionary<string, object>
        {
            ["prdc_10k_2048_s"] = Median(times),
            ["prdc_runs_s"] = times,
            ["prdc_peak_mib"] = Math.Round(ProcessMemory.PeakMiB(), 1),
            ["prdc_resident_before_mib"] = Math.Round(before, 1),
            ["prdc_value"] = new Dictionary<string, double>
            {
                ["precision"] = prdc!.Precision, ["recall"] = prdc.Recall, ["density"] = prdc.Density, ["coverage"] = prdc.Coverage,
            },
        };
    }

    /// <summary>The two feature sets, made a chunk of rows at a time so that making them leaves no large native buffers behind.</summary>
    static (FeatureMatrix Real, FeatureMatrix Generated) Features(int rows, int dimension)
    {
        using var generator = new Generator(7);
        using var projection = randn(new long[] { 128, dimension }, generator: generator) / Math.Sqrt(128);
        FeatureMatrix Make(double shift, string name)
        {
            var values = new float[rows * dimension];
            const int chunk = 1000;
            for (int start = 0; start < rows; start += chunk)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(chunk, rows - start);
                var z = randn(new long[] { n, 128 }, generator: generator);
                var x = nn.functional.relu(z.mm(projection) + 0.3 * randn(new long[] { n, dimension }, generator: generator) + shift);
                x.data<float>().CopyTo(values, start * dimension);
            }
            return new FeatureMatrix(values, dimension, name);
        }
        return (Make(0.2, "real"), Make(0.25, "generated"));
    }

    /// <summary>
    /// Each repeat starts from a collected managed heap, as a single evaluation in a fresh process would: the results of
    /// earlier repeats (covariance arrays, tens of MiB each) are garbage that a collection would free, not memory the
    /// evaluation needs, and without this the peak would count them as often as the GC happens to postpone a collection.
    /// </summary>
    static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return Math.Round(sorted[sorted.Length / 2], 3);
    }
}
