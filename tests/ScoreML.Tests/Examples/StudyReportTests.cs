using FashionMnist;

namespace ScoreML.Tests.Examples;

/// <summary>
/// The Fashion-MNIST study's verdicts: across seeds, a difference between two methods is paired by seed (a shift every seed
/// shares, such as a better-trained score model, cancels), and "differs" is said only when the interval excludes zero, with
/// the direction of "better" following the metric (CAS higher, FD lower).
/// </summary>
[TestClass]
public sealed class StudyReportTests
{
    static readonly GuidanceMethod[] Methods = GuidanceMethod.Parse("base,scaling-2,dlsm");

    static SeedResult Seed(int seed, double baseCas, double scalingCas, double dlsmCas, double baseFd, double scalingFd, double dlsmFd)
    {
        static Dictionary<string, MetricValue> Metrics(double cas, double fd) =>
            new() { ["cas"] = new MetricValue(cas, null, null), ["fid_resnet18"] = new MetricValue(fd, null, null) };
        return new SeedResult
        {
            Seed = seed,
            Methods = new() { ["base"] = Metrics(baseCas, baseFd), ["scaling-2"] = Metrics(scalingCas, scalingFd), ["dlsm"] = Metrics(dlsmCas, dlsmFd) },
            Floor = new() { ["fid_resnet18"] = new MetricValue(10, null, null) },
        };
    }

    [TestMethod]
    public void PairsAreComparedBySeedAndTheVerdictFollowsTheMetricsDirection()
    {
        // The seeds move every method together (0.55 to 0.65); scaling-2 is 0.03 above base in each, dlsm wobbles around base.
        var report = new StudyReport(new[]
        {
            Seed(1, 0.55, 0.580, 0.56, 80, 75, 81),
            Seed(2, 0.65, 0.681, 0.64, 70, 66, 69),
            Seed(3, 0.60, 0.629, 0.61, 75, 70, 76),
        }, Methods);

        var scaling = report.Between("scaling-2", "base", "cas");
        Assert.AreEqual(0.030, scaling.Mean, 1e-12);
        Assert.IsGreaterThan(0.0, scaling.Lower, "paired by seed, the shared shift cancels and the interval excludes 0");
        Assert.AreEqual("differs: scaling-2 is better", scaling.Verdict);
        Assert.AreEqual("cannot tell at this size", report.Between("dlsm", "base", "cas").Verdict);
        // FD: lower is better, so a negative difference is the better method.
        Assert.AreEqual("differs: scaling-2 is better", report.Between("scaling-2", "base", "fid_resnet18").Verdict);
        Assert.AreEqual("differs: base is worse", report.Between("base", "scaling-2", "fid_resnet18").Verdict);
        Assert.AreEqual(report.DifferenceFromBase("dlsm", "cas"), report.Between("dlsm", "base", "cas"));
        Assert.AreEqual(75.0 / 10, report.FloorMultiple("base")!.Value, 1e-12);

        // Every pair is in the JSON and in the printed matrix (row − column): base − scaling-2 on CAS is -0.030, told apart; base − dlsm is -0.003, not.
        var pairwise = (Dictionary<string, Dictionary<string, object?>?[]>)report.ToJson()["pairwise"]!;
        Assert.HasCount(3, pairwise["cas"]);
        Assert.IsTrue(pairwise["cas"].All(p => p is not null));
        string text = report.Format();
        StringAssert.Contains(text, "Every pair on cas");
        StringAssert.Matches(text, new System.Text.RegularExpressions.Regex(@"\nbase\s+-0\.030 <\s+-0\.003 =\s*\r?\n"));
    }

    /// <summary>
    /// DLSM + CE is set against every classifier-free method the run has (dlsm+ce − cfg, paired by seed), in the JSON and the
    /// printed report; without dlsm+ce or without a classifier-free method there is no such section.
    /// </summary>
    [TestMethod]
    public void DlsmIsComparedWithEachClassifierFreeMethodBySeed()
    {
        var methods = GuidanceMethod.Parse("base,dlsm+ce,cfg-1,cfg-1-half");
        static Dictionary<string, MetricValue> Cas(double cas) => new() { ["cas"] = new MetricValue(cas, null, null) };
        SeedResult Seed(int seed, double shift) => new()
        {
            Seed = seed,
            // CFG at w = 1 is 0.05 above DLSM + CE in every seed; at half the evaluations it wobbles around it.
            Methods = new() { ["base"] = Cas(0.60 + shift), ["dlsm+ce"] = Cas(0.61 + shift), ["cfg-1"] = Cas(0.66 + shift), ["cfg-1-half"] = Cas(0.61 + shift + 0.01 * (seed - 2)) },
        };
        var report = new StudyReport(new[] { Seed(1, 0), Seed(2, 0.05), Seed(3, -0.04) }, methods);
        var rows = report.DlsmAgainstClassifierFree().ToDictionary(t => (t.Method, t.Metric), t => t.Difference);
        Assert.HasCount(2, rows, "CAS only: the other compared metrics are missing here");
        Assert.AreEqual(-0.05, rows[("cfg-1", "cas")].Mean, 1e-12);
        Assert.AreEqual("differs: dlsm+ce is worse", rows[("cfg-1", "cas")].Verdict);
        Assert.AreEqual("cannot tell at this size", rows[("cfg-1-half", "cas")].Verdict);
        var json = (Dictionary<string, Dictionary<string, Dictionary<string, object?>>>)report.ToJson()["dlsm_ce_minus_classifier_free"]!;
        Assert.AreEqual("differs: dlsm+ce is worse", json["cfg-1"]["cas"]["verdict"]);
        StringAssert.Contains(report.Format(), "dlsm+ce against classifier-free guidance");

        var withoutDlsm = new StudyReport(new[] { Seed(1, 0), Seed(2, 0.05) }, GuidanceMethod.Parse("base,cfg-1"));
        Assert.IsFalse(withoutDlsm.DlsmAgainstClassifierFree().Any());
        Assert.IsFalse(withoutDlsm.Format().Contains("against classifier-free guidance", StringComparison.Ordinal));
    }

    [TestMethod]
    public void OneSeedCombinesTheRunsOwnIntervals()
    {
        static SeedResult One(double baseLower, double baseUpper) => new()
        {
            Seed = 1,
            Methods = new()
            {
                ["base"] = new() { ["cas"] = new MetricValue(0.60, baseLower, baseUpper) },
                ["dlsm"] = new() { ["cas"] = new MetricValue(0.64, 0.63, 0.65) },
            },
        };
        var methods = GuidanceMethod.Parse("base,dlsm");
        // Half-widths 0.01 and 0.01: the difference's half-width is sqrt(2) * 0.01 < 0.04, so they differ.
        var narrow = new StudyReport(new[] { One(0.59, 0.61) }, methods).Between("dlsm", "base", "cas");
        Assert.AreEqual(0.04 - Math.Sqrt(2) * 0.01, narrow.Lower, 1e-12);
        Assert.AreEqual("differs: dlsm is better", narrow.Verdict);
        // A wide base interval (half-width 0.05) makes the same estimate undecidable.
        Assert.AreEqual("cannot tell at this size", new StudyReport(new[] { One(0.55, 0.65) }, methods).Between("dlsm", "base", "cas").Verdict);
    }
}
