using TwoMoons;

namespace ScoreML.Tests.Examples;

/// <summary>
/// The two-moons score errors across seeds (--seeds N): each method against DLSM is paired by seed, so a shift every seed
/// shares cancels; "differs" is said only when the interval excludes 0, and a lower score error is the better one.
/// </summary>
[TestClass]
public sealed class ScoreErrorSummaryTests
{
    static Dictionary<string, (double[] PosteriorError, double[] LikelihoodError)> Seed(double dlsm, double cfg, double wobble) => new()
    {
        ["dlsm"] = (new[] { dlsm, dlsm + 0.02 }, new[] { dlsm, dlsm }),
        // cfg_w0 0.01 below DLSM in every seed (paired: better); cfg_w1 around DLSM.
        ["cfg_w0"] = (new[] { dlsm - 0.01, dlsm + 0.01 }, new[] { cfg, cfg }),
        ["cfg_w1"] = (new[] { dlsm + wobble, dlsm + 0.02 - wobble }, new[] { cfg, cfg }),
    };

    [TestMethod]
    public void EachMethodIsComparedWithDlsmBySeed()
    {
        // The seeds move every method together (0.10 to 0.20).
        var summary = ScoreErrorSummary.Of(new[] { Seed(0.10, 0.3, 0.01), Seed(0.20, 0.3, -0.02), Seed(0.15, 0.3, 0.03) });
        var cfg0 = summary["cfg_w0"]!["d_p"]!;
        Assert.AreEqual(0.15, (double)cfg0["mean"]!, 1e-12, "the mean of the class means over seeds");
        var minusDlsm = cfg0["minus_dlsm"]!;
        Assert.AreEqual(-0.01, (double)minusDlsm["mean"]!, 1e-12);
        Assert.AreEqual("differs: cfg_w0 is better", (string)minusDlsm["verdict"]!);
        Assert.IsGreaterThan((double)cfg0["ci"]![0]!, 0.15 - 1e-9, "the mean lies in its interval");
        Assert.AreEqual("cannot tell at this size", (string)summary["cfg_w1"]!["d_p"]!["minus_dlsm"]!["verdict"]!);
        Assert.IsNull(summary["dlsm"]!["d_p"]!["minus_dlsm"], "DLSM is not compared with itself");
        string table = ScoreErrorSummary.Format(summary);
        StringAssert.Contains(table, "differs: cfg_w0 is better");
        Assert.ThrowsExactly<ArgumentException>(() => ScoreErrorSummary.Of(new[] { Seed(0.1, 0.3, 0) }));
    }
}
