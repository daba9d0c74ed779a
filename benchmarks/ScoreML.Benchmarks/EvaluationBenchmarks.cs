using System.Diagnostics;
using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// FID and PRDC at the size of the reference measurement: 10,000 real and 10,000 generated 2048-wide feature vectors
/// (Inception pool3 size), k = 3. The features are synthetic but shaped like pool3 activations: non-negative, correlated
/// (ReLU of a rank-128 projection plus noise), the generated set slightly shifted. Each timing is the median of the runs,
/// from float32 features in memory to the final number (both sets' statistics for FID; both sets' radii for PRDC).
/// </summary>
internal static class EvaluationBenchmarks
{
    public static Dictionary<string, object> Run(int rows, int dimension, int repeats)
    {
        var (real, generated) = Features(rows, dimension);
        var results = new Dictionary<string, object>();

        var fidTimes = new List<double>();
        double fid = 0;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            fid = FrechetDistance.Compute(GaussianStatistics.Compute(real), GaussianStatistics.Compute(generated)).Value;
            fidTimes.Add(clock.Elapsed.TotalSeconds);
        }

        var prdcTimes = new List<double>();
        double peak = 0;
        PrdcResult? prdc = null;
        for (int i = 0; i < repeats; i++)
        {
            GC.Collect();
            ProcessMemory.ResetPeak();
            double before = ProcessMemory.ResidentMiB();
            var clock = Stopwatch.StartNew();
            prdc = PrecisionRecallDensityCoverage.Compute(real: real, generated: generated, k: 3);
            prdcTimes.Add(clock.Elapsed.TotalSeconds);
            peak = Math.Max(peak, ProcessMemory.PeakMiB());
            results["prdc_resident_before_mib"] = Math.Round(before, 1);
        }

        results["fid_10k_2048_s"] = Median(fidTimes);
        results["prdc_10k_2048_s"] = Median(prdcTimes);
        results["prdc_peak_mib"] = Math.Round(peak, 1);
        results["evaluation_rows"] = rows;
        results["evaluation_dimension"] = dimension;
        results["fid_value"] = fid;
        results["prdc_value"] = new Dictionary<string, double>
        {
            ["precision"] = prdc!.Precision, ["recall"] = prdc.Recall, ["density"] = prdc.Density, ["coverage"] = prdc.Coverage,
        };
        results["fid_runs_s"] = fidTimes;
        results["prdc_runs_s"] = prdcTimes;
        return results;
    }

    static (FeatureMatrix Real, FeatureMatrix Generated) Features(int rows, int dimension)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var projection = randn(new long[] { 128, dimension }, generator: generator) / Math.Sqrt(128);
        FeatureMatrix Make(double shift, string name)
        {
            var z = randn(new long[] { rows, 128 }, generator: generator);
            var x = nn.functional.relu(z.mm(projection) + 0.3 * randn(new long[] { rows, dimension }, generator: generator) + shift);
            return new FeatureMatrix(x.data<float>().ToArray(), dimension, name);
        }
        return (Make(0.2, "real"), Make(0.25, "generated"));
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return Math.Round(sorted[sorted.Length / 2], 3);
    }
}
