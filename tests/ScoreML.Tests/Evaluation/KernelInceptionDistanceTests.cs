using System.Text.Json;
using Microsoft.ML;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class KernelInceptionDistanceTests
{
    /// <summary>kid_expected.json: numpy's values on the committed FID fixtures (make_kid_reference.py).</summary>
    static double Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Evaluation", "Fixtures", "kid_expected.json")))
            .RootElement.GetProperty(name).GetDouble();

    static FeatureMatrix Load(string file, string name, int from = 0, int rows = int.MaxValue)
    {
        var (values, d) = Fixtures.Csv(file);
        rows = Math.Min(rows, values.Length / d - from);
        return new FeatureMatrix(values.AsSpan(from * d, rows * d).ToArray(), d, name);
    }

    [TestMethod]
    public void SubsetsOfEveryRowGiveNumpysUnbiasedMmd()
    {
        // 400 rows each and subsets of up to 1,000: every subset holds every row, so KID is the full sets' MMD^2, std 0.
        var kid = KernelInceptionDistance.Compute(Load("fid_real.csv", "real"), Load("fid_generated.csv", "generated"));
        Assert.AreEqual(Expected("full"), kid.Mean, 1e-10 * Math.Abs(Expected("full")));
        Assert.AreEqual(0.0, kid.Std);
        Assert.AreEqual(1, kid.Subsets);
        Assert.AreEqual(400, kid.SubsetSize);

        var half = KernelInceptionDistance.Compute(Load("fid_real.csv", "real", 0, 200), Load("fid_generated.csv", "generated", 0, 200));
        Assert.AreEqual(Expected("first_half"), half.Mean, 1e-10 * Math.Abs(Expected("first_half")));

        // One distribution against itself: the unbiased estimate is near zero and may be negative (a biased one never is).
        var self = KernelInceptionDistance.Compute(Load("fid_real.csv", "real", 0, 200), Load("fid_real.csv", "second half", 200, 200));
        Assert.AreEqual(Expected("self"), self.Mean, 1e-10 * Math.Abs(Expected("self")));
    }

    [TestMethod]
    public void RandomSubsetsAverageToTheFullSetsValue()
    {
        // Every subset's MMD^2 is an unbiased estimate of the same quantity as the full sets' one, so the mean of 400 subsets
        // of 100 rows lies within a few standard errors of it. Dividing the within-set sums by m^2 or keeping the diagonal
        // would shift it by far more (the diagonal terms are the kernel's largest).
        var real = Load("fid_real.csv", "real");
        var generated = Load("fid_generated.csv", "generated");
        var kid = KernelInceptionDistance.Compute(real, generated, subsets: 400, subsetSize: 100, seed: 3);
        Assert.AreEqual(400, kid.Subsets);
        Assert.AreEqual(100, kid.SubsetSize);
        Assert.HasCount(400, kid.PerSubset);
        Assert.IsGreaterThan(0.0, kid.Std);
        double standardError = kid.Std / Math.Sqrt(kid.Subsets);
        Assert.IsLessThan(4 * standardError, Math.Abs(kid.Mean - Expected("full")), $"KID {kid.Mean} ± {standardError} against the full sets' {Expected("full")}");
        double mean = kid.PerSubset.Average();
        Assert.AreEqual(Math.Sqrt(kid.PerSubset.Sum(v => (v - mean) * (v - mean)) / kid.Subsets), kid.Std, 1e-12 * kid.Std, "population std");

        // The seed decides the subsets: the same seed repeats, another one differs.
        Assert.AreEqual(kid.Mean, KernelInceptionDistance.Compute(real, generated, 400, 100, seed: 3).Mean);
        Assert.AreNotEqual(kid.Mean, KernelInceptionDistance.Compute(real, generated, 400, 100, seed: 4).Mean);
    }

    [TestMethod]
    public void TheEvaluatorReportsKidAndItsSpread()
    {
        var ml = new MLContext(1);
        var (realValues, d) = Fixtures.Csv("fid_real.csv");
        var (generatedValues, _) = Fixtures.Csv("fid_generated.csv");
        var real = TestData.Vectors(ml, realValues, d, "Features");
        var generated = TestData.Vectors(ml, generatedValues, d, "Generated");
        var metrics = ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { ComputePrdc = false, KidSubsetSize = 100, KidSubsets = 20, Seed = 0 });
        var direct = KernelInceptionDistance.Compute(Load("fid_real.csv", "real"), Load("fid_generated.csv", "generated"), 20, 100, seed: 0);
        Assert.AreEqual(direct.Mean, metrics.Kid!.Value);
        Assert.AreEqual(direct.Std, metrics.KidStd!.Value);
        Assert.AreEqual(20, metrics.KidSubsets);
        Assert.AreEqual(100, metrics.KidSubsetSize);
        StringAssert.Contains(metrics.ToJson(), "\"kid\":");
        StringAssert.Contains(metrics.ToJson(), "\"kid_std\":");
        StringAssert.Contains(metrics.ToTable(), "(20 subsets of 100)");

        var without = ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { ComputePrdc = false, ComputeKid = false });
        Assert.IsNull(without.Kid);
        Assert.DoesNotContain("\"kid\"", without.ToJson());
    }

    [TestMethod]
    public void BadSettingsAreRefusedNamingThem()
    {
        var real = Load("fid_real.csv", "real", 0, 10);
        var e = Assert.ThrowsExactly<ArgumentException>(() => KernelInceptionDistance.Compute(real, Load("fid_generated.csv", "generated", 0, 1)));
        StringAssert.Contains(e.Message, "generated set 1");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KernelInceptionDistance.Compute(real, real, subsets: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KernelInceptionDistance.Compute(real, real, subsetSize: 1));
        // An explicit size larger than a set is refused, as torch-fidelity does; unset, it takes every row of the smaller set.
        var tooMany = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KernelInceptionDistance.Compute(real, real, subsetSize: 11));
        StringAssert.Contains(tooMany.Message, "the real set has 10 rows");
        Assert.AreEqual(10, KernelInceptionDistance.Compute(real, real).SubsetSize);
        var ml = new MLContext(1);
        var data = TestData.Vectors(ml, real.Values, real.Dimension, "Features");
        var generated = TestData.Vectors(ml, real.Values, real.Dimension, "Generated");
        var refused = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.ScoreMatching().Evaluate(data, generated, new GenerativeEvaluationOptions { KidSubsetSize = 1 }));
        StringAssert.Contains(refused.Message, "GenerativeEvaluationOptions.KidSubsetSize");
        // Before any feature is extracted: an extractor that would throw is never reached.
        refused = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.ScoreMatching().Evaluate(data, generated,
            new GenerativeEvaluationOptions { KidSubsetSize = 50, FeatureExtractor = new RefusingExtractor() }));
        StringAssert.Contains(refused.Message, "GenerativeEvaluationOptions.KidSubsetSize is 50");
    }

    sealed class RefusingExtractor : IFeatureExtractor
    {
        public string Identity => "refusing";
        public string Name => "refusing";
        public bool ProvidesLogits => false;
        public ExtractedFeatures Extract(FeatureMatrix inputs) => throw new InvalidOperationException("no feature should be extracted");
    }
}
