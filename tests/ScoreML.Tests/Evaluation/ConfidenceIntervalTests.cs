using ScoreML.Evaluation.Intervals;

namespace ScoreML.Tests.Evaluation;

/// <summary>The interval constructions against published values (Student's t tables, Wilson's formula worked by hand).</summary>
[TestClass]
public sealed class ConfidenceIntervalTests
{
    [TestMethod]
    // Two-sided quantiles from any t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), to the 4 decimals printed there.
    [DataRow(0.95, 1.0, 12.7062)]
    [DataRow(0.95, 2.0, 4.3027)]
    [DataRow(0.95, 3.0, 3.1824)]
    [DataRow(0.95, 4.0, 2.7764)]
    [DataRow(0.95, 10.0, 2.2281)]
    [DataRow(0.99, 5.0, 4.0321)]
    [DataRow(0.90, 7.0, 1.8946)]
    [DataRow(0.95, double.PositiveInfinity, 1.9600)]
    [DataRow(0.99, double.PositiveInfinity, 2.5758)]
    public void StudentQuantilesMatchTheTables(double level, double degreesOfFreedom, double expected) =>
        Assert.AreEqual(expected, StudentT.TwoSidedQuantile(level, degreesOfFreedom), 5e-5);

    [TestMethod]
    public void WilsonMatchesItsFormulaWorkedByHand()
    {
        // 60 of 100 at 95 %: centre (0.6 + 1.96^2 / 200) / (1 + 1.96^2 / 100) = 0.5962, half-width 0.0943.
        var interval = ConfidenceInterval.Wilson(0.6, 100);
        Assert.AreEqual(0.5020, interval.Lower, 2e-4);
        Assert.AreEqual(0.6906, interval.Upper, 2e-4);
        // All correct: the interval still has width and stays inside [0, 1].
        var perfect = ConfidenceInterval.Wilson(1, 50);
        Assert.AreEqual(1, perfect.Upper, 1e-12);
        Assert.IsLessThan(0.95, perfect.Lower);
    }

    [TestMethod]
    public void AcrossRunsAndPairedDifferencesUseStudentsT()
    {
        double[] runs = { 0.61, 0.63, 0.62 };   // mean 0.62, s = 0.01, t(0.95, 2) = 4.3027
        var interval = ConfidenceInterval.AcrossRuns(runs);
        Assert.AreEqual(0.62 - 4.3027 * 0.01 / Math.Sqrt(3), interval.Lower, 1e-6);
        Assert.AreEqual(0.62 + 4.3027 * 0.01 / Math.Sqrt(3), interval.Upper, 1e-6);
        // A shift shared by every seed cancels in the paired difference; the unpaired intervals would overlap.
        double[] other = { 0.64, 0.66, 0.65 };
        var difference = ConfidenceInterval.PairedDifference(other, runs);
        Assert.AreEqual(0.03, difference.Lower, 1e-9);
        Assert.AreEqual(0.03, difference.Upper, 1e-9);
        Assert.IsFalse(difference.Contains(0));
        Assert.IsLessThan(interval.Upper, ConfidenceInterval.AcrossRuns(other).Lower, "the unpaired intervals overlap");
        Assert.ThrowsExactly<ArgumentException>(() => ConfidenceInterval.AcrossRuns(new[] { 0.5 }));
        Assert.ThrowsExactly<ArgumentException>(() => ConfidenceInterval.PairedDifference(runs, new[] { 0.5, 0.6 }));
        var level = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ConfidenceInterval.AcrossRuns(runs, 1.0));
        StringAssert.Contains(level.Message, "level");
    }

    [TestMethod]
    public void BootstrapPercentilesAreMovedOntoTheEstimate()
    {
        var replicates = Enumerable.Range(0, 1001).Select(i => 10.0 + i / 100.0).ToArray();   // 10 .. 20, mean 15
        var interval = ConfidenceInterval.FromReplicates(5, replicates);
        Assert.AreEqual(10.25 - 10, interval.Lower, 1e-9);   // the 2.5 % percentile, moved by 5 - 15
        Assert.AreEqual(19.75 - 10, interval.Upper, 1e-9);
        Assert.AreEqual(0, ConfidenceInterval.FromReplicates(1, replicates, lowest: 0).Lower, "clipped to the metric's range");
    }
}
