using ScoreML.Examples;
using TwoMoons;

namespace ScoreML.Tests.Examples;

/// <summary>
/// The two-moons sampler study (examples/TwoMoons --samplers) reweights per-row quantities for its bootstrap instead of
/// recomputing the metrics. With every row drawn once the reweighting must give back ScoreML's own precision, recall and
/// MMD^2; a wrong dimension or dtype in a reduction shows here (a bare sum(0) once summed MMD^2's kernel in uint8).
/// </summary>
[TestClass]
public sealed class SamplerStudyBootstrapTests
{
    static float[] Points(Random random, int rows, double shift) =>
        Enumerable.Range(0, 2 * rows).Select(_ => (float)(3 * random.NextDouble() + shift)).ToArray();

    [TestMethod]
    public void EveryRowOnceGivesScoreMLsOwnMetrics()
    {
        var random = new Random(5);
        float[] generated = Points(random, 200, 0.3);
        float[] clean = Points(random, 400, 0);
        int[] labels = Enumerable.Range(0, 400).Select(i => i % 2).ToArray();
        var replicates = ClassSampleQuality.Measure(generated, clean, labels, cls: 1, k: 5, ClassSampleQuality.DrawCounts(200, 20, seed: 3));
        for (int metric = 0; metric < ClassSampleQuality.Metrics.Length; metric++)
            Assert.AreEqual(replicates.Values[metric], replicates.Check[metric], 1e-9, ClassSampleQuality.Metrics[metric]);
        Assert.IsGreaterThan(0.0, replicates.Values[3], "the generated rows are shifted, so MMD^2 is positive");
        Assert.HasCount(20, replicates.Resampled[3]);
        Assert.IsTrue(replicates.Resampled.SelectMany(r => r).All(double.IsFinite));
    }

    [TestMethod]
    public void ResamplesDrawEveryRowCountOnceAndRepeatWithTheSeed()
    {
        var counts = ClassSampleQuality.DrawCounts(50, 10, seed: 7);
        Assert.IsTrue(counts.All(c => c.Sum() == 50));
        CollectionAssert.AreEqual(counts[3], ClassSampleQuality.DrawCounts(50, 10, seed: 7)[3]);
    }

    [TestMethod]
    public void TheIntervalIsCentredOnTheEstimate()
    {
        // Replicates 0..100 (mean 50) around an estimate of 60: the 2nd and 98th values (the percentile ranks 2.5 and 97.5 rounded outwards) moved up by 10.
        var estimate = Estimate.FromReplicates(60, Enumerable.Range(0, 101).Select(i => (double)i).ToArray());
        Assert.AreEqual(12, estimate.Low, 1e-12);
        Assert.AreEqual(108, estimate.High, 1e-12);
        Assert.IsTrue(estimate.Overlaps(new Estimate(0, 100, 200)));
        Assert.IsFalse(estimate.Overlaps(new Estimate(0, 108.5, 200)));
    }
}
