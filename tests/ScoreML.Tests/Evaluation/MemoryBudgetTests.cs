using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using ScoreML.Evaluation.Metrics;

namespace ScoreML.Tests.Evaluation;

/// <summary>
/// Metrics whose memory grows with the square of the dimension (FID) or of the rows (the MMD's median heuristic) refuse,
/// before allocating, what does not fit the memory budget, and say how much they would need and what to change.
/// </summary>
[TestClass]
public sealed class MemoryBudgetTests
{
    static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The first "N bytes" of a message: what the metric says it would need.</summary>
    static double BytesNeeded(string message)
    {
        var match = Regex.Match(message, @"([\d,]+) bytes");
        Assert.IsTrue(match.Success, message);
        return double.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    [TestMethod]
    public void FidOnVeryWideFeaturesIsRefusedBeforeAllocating()
    {
        // 2 rows x 100,000 features: one float64 covariance alone is 8 D^2 bytes = 80 GB.
        const int d = 100_000;
        var wide = new FeatureMatrix(Values(2 * d, 1), d, "generated");
        var e = Assert.ThrowsExactly<InsufficientMemoryException>(() => GaussianStatistics.Compute(wide, memoryBudgetBytes: 16L << 30));
        Assert.IsGreaterThanOrEqualTo(8.0 * d * d, BytesNeeded(e.Message), e.Message);
        StringAssert.Contains(e.Message, "FID on 100000 features");
        StringAssert.Contains(e.Message, "GenerativeEvaluationOptions.FeatureExtractor");
        StringAssert.Contains(e.Message, "GenerativeEvaluationOptions.ComputeFid");
        StringAssert.Contains(e.Message, "MemoryBudgetBytes");

        // With the default budget (half of the memory available): a million features need 8 TB per covariance.
        var wider = new FeatureMatrix(Values(2_000_000, 2), 1_000_000, "generated");
        e = Assert.ThrowsExactly<InsufficientMemoryException>(() => GaussianStatistics.Compute(wider));
        Assert.IsGreaterThanOrEqualTo(8e12, BytesNeeded(e.Message));

        // A budget large enough, but a D x D covariance beyond what a .NET array holds: refused too, not an overflow.
        var tooWideForAnArray = new FeatureMatrix(Values(2 * 50_000, 3), 50_000, "real");
        var tooMany = Assert.ThrowsExactly<ArgumentException>(() => GaussianStatistics.Compute(tooWideForAnArray, long.MaxValue));
        StringAssert.Contains(tooMany.Message, "fewer dimensions");
    }

    [TestMethod]
    public void TheFrechetDistanceHonoursTheBudget()
    {
        const int d = 200;
        var real = GaussianStatistics.Compute(new FeatureMatrix(Values(300 * d, 4), d, "real"));
        var generated = GaussianStatistics.Compute(new FeatureMatrix(Values(300 * d, 5), d, "generated"));
        long oneMatrix = 8L * d * d;
        var e = Assert.ThrowsExactly<InsufficientMemoryException>(() => FrechetDistance.Compute(real, generated, oneMatrix - 1));
        Assert.IsGreaterThanOrEqualTo(oneMatrix, BytesNeeded(e.Message));
        Assert.ThrowsExactly<InsufficientMemoryException>(() => GaussianStatistics.Compute(new FeatureMatrix(Values(300 * d, 4), d, "real"), oneMatrix - 1));
        // Enough room: the same number as with the default budget.
        Assert.AreEqual(FrechetDistance.Compute(real, generated).Value, FrechetDistance.Compute(real, generated, 100 * oneMatrix).Value);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FrechetDistance.Compute(real, generated, 0));
    }

    [TestMethod]
    public void TheEvaluatorRefusesAWideFidNamingTheOptionsAndStillComputesPrdc()
    {
        var ml = new MLContext(1);
        const int d = 100_000;
        var realValues = Values(3 * d, 6);
        var real = TestData.Vectors(ml, realValues, d);
        var generated = TestData.Vectors(ml, realValues, d, "Generated");
        var options = new GenerativeEvaluationOptions { ComputePrdc = false, ComputeInceptionScore = false, MemoryBudgetBytes = 16L << 30 };
        var e = Assert.ThrowsExactly<InsufficientMemoryException>(() => ml.ScoreMatching().Evaluate(real, generated, options));
        Assert.IsGreaterThanOrEqualTo(8.0 * d * d, BytesNeeded(e.Message));
        StringAssert.Contains(e.Message, "GenerativeEvaluationOptions.FeatureExtractor");
        StringAssert.Contains(e.Message, "GenerativeEvaluationOptions.ComputeFid = false");

        // PRDC works a block of rows at a time: the same wide sets need no budget. Identical sets of distinct points score 1.
        var prdc = ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { ComputeFid = false, ComputeInceptionScore = false, K = 1 });
        Assert.IsNull(prdc.Fid);
        Assert.AreEqual(1.0, prdc.Precision);
        Assert.AreEqual(1.0, prdc.Recall);
        Assert.AreEqual(1.0, prdc.Coverage);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.ScoreMatching().Evaluate(real, generated,
            new GenerativeEvaluationOptions { ComputePrdc = false, MemoryBudgetBytes = -1 }));
    }

    [TestMethod]
    public void TheMmdMedianHeuristicHonoursTheBudgetAndABandwidthNeedsNone()
    {
        const int n = 100, d = 3;
        var reference = Values(n * d, 7);
        var candidate = Values(n * d, 8);
        long onePairCopy = 8L * n * (n - 1) / 2;   // every pair's float64 distance, once
        var e = Assert.ThrowsExactly<InsufficientMemoryException>(() => MaximumMeanDiscrepancy.Squared(reference, candidate, d, memoryBudgetBytes: onePairCopy - 1));
        Assert.IsGreaterThanOrEqualTo((double)onePairCopy, BytesNeeded(e.Message));
        StringAssert.Contains(e.Message, "bandwidth");
        // With a bandwidth, the kernel sums go a block at a time: the tiny budget is no obstacle.
        Assert.AreEqual(MaximumMeanDiscrepancy.Squared(reference, candidate, d, 0.5),
            MaximumMeanDiscrepancy.Squared(reference, candidate, d, 0.5, memoryBudgetBytes: onePairCopy - 1));
    }

    [TestMethod]
    public void TheDefaultBudgetIsHalfOfTheAvailableMemory()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.IsGreaterThan(0L, available);
        Assert.AreEqual(available / 2, MemoryBudget.DefaultBytes);
    }
}
