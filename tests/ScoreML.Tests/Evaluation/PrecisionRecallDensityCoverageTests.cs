using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class PrecisionRecallDensityCoverageTests
{
    [TestMethod]
    [DataRow(3)]
    [DataRow(5)]
    public void EqualsTheReferenceOnFixture(int k)
    {
        // expected.json "prdc": the clovaai formulas over scikit-learn pairwise distances (make_reference.py), on a fixture
        // whose closest comparison is 2e-5 (relative) away from a tie, so exact agreement is expected.
        var (r, d) = Fixtures.Csv("prdc_real.csv");
        var (g, _) = Fixtures.Csv("prdc_generated.csv");
        var expected = Fixtures.Expected.GetProperty("prdc").GetProperty($"k{k}");
        var result = PrecisionRecallDensityCoverage.Compute(real: new FeatureMatrix(r, d, "real"), generated: new FeatureMatrix(g, d, "generated"), k: k);
        Assert.AreEqual(expected.GetProperty("precision").GetDouble(), result.Precision, 1e-12);
        Assert.AreEqual(expected.GetProperty("recall").GetDouble(), result.Recall, 1e-12);
        Assert.AreEqual(expected.GetProperty("density").GetDouble(), result.Density, 1e-12);
        Assert.AreEqual(expected.GetProperty("coverage").GetDouble(), result.Coverage, 1e-12);
    }

    [TestMethod]
    public void IdenticalSetsGiveOnes()
    {
        var (r, d) = Fixtures.Csv("prdc_real.csv");
        var result = PrecisionRecallDensityCoverage.Compute(new FeatureMatrix(r, d, "real"), new FeatureMatrix(r, d, "generated"), k: 3);
        // Every point is at distance 0 < r_k of its own ball.
        Assert.AreEqual(1.0, result.Precision);
        Assert.AreEqual(1.0, result.Recall);
        Assert.AreEqual(1.0, result.Coverage);
        Assert.IsGreaterThanOrEqualTo(1.0, result.Density);
    }

    [TestMethod]
    public void HandCheckedSmallSet()
    {
        // Real: 0, 1, 2, 10 on a line; k = 1 radii: 1, 1, 1, 8. Generated: 0.5, 9.5, 20; radii 9, 9, 10.5.
        // Precision: 0.5 (inside 0's and 1's balls: 0.5 < 1), 9.5 (|9.5 - 10| = 0.5 < 8): 2 of 3.
        // Recall: real 0 (|0 - 0.5| < 9), 1, 2, 10 (|10 - 9.5| < 9): 4 of 4.
        // Density: 0.5 in balls of 0 and 1 (2), 9.5 in ball of 10 (1), 20 in none: 3 / (1 * 3) = 1.
        // Coverage: real 0 (0.5 < 1), 1 (0.5 < 1), 2 (|2 - 0.5| = 1.5 >= 1: no), 10 (0.5 < 8): 3 of 4.
        var real = new FeatureMatrix(new float[] { 0, 1, 2, 10 }, 1, "real");
        var generated = new FeatureMatrix(new float[] { 0.5f, 9.5f, 20 }, 1, "generated");
        var result = PrecisionRecallDensityCoverage.Compute(real, generated, k: 1);
        Assert.AreEqual(2.0 / 3, result.Precision, 1e-15);
        Assert.AreEqual(1.0, result.Recall);
        Assert.AreEqual(1.0, result.Density, 1e-15);
        Assert.AreEqual(0.75, result.Coverage);
    }

    [TestMethod]
    public void StrictComparisonAtTheRadius()
    {
        // Generated point exactly at distance r_1 = 1 from real 0 and 1 ... real {0, 1}, k = 1: radii 1, 1. Generated {2}: d = 2 and 1.
        // d(1, 2) = 1 is not < 1: precision 0.
        var result = PrecisionRecallDensityCoverage.Compute(new FeatureMatrix(new float[] { 0, 1 }, 1, "real"),
            new FeatureMatrix(new float[] { 2, 5 }, 1, "generated"), k: 1);
        Assert.AreEqual(0.0, result.Precision);
        Assert.AreEqual(0.0, result.Density);
        Assert.AreEqual(0.0, result.Coverage);
    }

    [TestMethod]
    public void MatchesAFullFloat64ComputationOnHighDimensionalClusters()
    {
        // The fast path (float32 products, float64 only where round-off could decide) against a direct float64 computation
        // on 400 x 350 points in 128 dimensions with far-from-origin clusters, the hard case for float32 cancellation (about
        // 0.1 % of the comparisons fall inside the round-off bound and are redone in float64).
        const int Dimension = 128;
        var random = new Random(5);
        float[] Points(int n, double offset, double spread)
        {
            var v = new float[n * Dimension];
            for (int i = 0; i < n; i++)
            {
                int cluster = i % 3;
                for (int j = 0; j < Dimension; j++) v[i * Dimension + j] = (float)(100 + offset * cluster + spread * (random.NextDouble() - 0.5) + (j % 7) * cluster);
            }
            return v;
        }
        var r = Points(400, 1.0, 2.0);
        var g = Points(350, 1.1, 2.2);
        foreach (int k in new[] { 1, 3 })
        {
            var fast = PrecisionRecallDensityCoverage.Compute(new FeatureMatrix(r, Dimension, "real"), new FeatureMatrix(g, Dimension, "generated"), k);
            var direct = Direct(r, g, Dimension, k);
            Assert.AreEqual(direct.Precision, fast.Precision, 0, $"precision, k = {k}");
            Assert.AreEqual(direct.Recall, fast.Recall, 0, $"recall, k = {k}");
            Assert.AreEqual(direct.Density, fast.Density, 0, $"density, k = {k}");
            Assert.AreEqual(direct.Coverage, fast.Coverage, 0, $"coverage, k = {k}");
        }
    }

    [TestMethod]
    public void MoreRowsThanOneBlockEqualsDirect()
    {
        // 2500 real and 2300 generated rows: several row blocks, so the symmetric block merge of the radii is exercised.
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var real = randn(new long[] { 2500, 3 }, generator: generator).data<float>().ToArray();
        var generated = (randn(new long[] { 2300, 3 }, generator: generator) * 1.3 + 0.2).data<float>().ToArray();
        var fast = PrecisionRecallDensityCoverage.Compute(new FeatureMatrix(real, 3, "real"), new FeatureMatrix(generated, 3, "generated"), k: 3);
        var direct = Direct(real, generated, 3, 3);
        Assert.AreEqual(direct, fast with { Warning = null });
        Assert.IsTrue(fast.Precision < 1 && fast.Recall < 1, "the sets differ, so neither share is 1");
    }

    [TestMethod]
    public void ManyBlocksInAnOddDimensionEqualDirect()
    {
        // 1300 real and 1100 generated rows in 37 dimensions: blocks of both passes cut rows and columns at 1024, and 37 is
        // not a multiple of the vector width, so the vectorised scans and their scalar tails both decide pairs.
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var basis = randn(new long[] { 4, 37 }, generator: generator);
        var real = (randn(new long[] { 1300, 4 }, generator: generator).mm(basis) + 0.5 * randn(new long[] { 1300, 37 }, generator: generator) + 20)
            .data<float>().ToArray();
        var generated = (randn(new long[] { 1100, 4 }, generator: generator).mm(basis) * 1.2 + 0.6 * randn(new long[] { 1100, 37 }, generator: generator) + 20)
            .data<float>().ToArray();
        var fast = PrecisionRecallDensityCoverage.Compute(new FeatureMatrix(real, 37, "real"), new FeatureMatrix(generated, 37, "generated"), k: 3);
        Assert.AreEqual(Direct(real, generated, 37, 3), fast with { Warning = null });
        Assert.IsTrue(fast.Precision is > 0 and < 1 && fast.Coverage is > 0 and < 1, "a case where the balls decide something");
    }

    [TestMethod]
    public void DuplicatesAreWarnedAbout()
    {
        var real = new FeatureMatrix(new float[] { 0, 0, 0, 0, 1, 2, 3, 4 }, 1, "real");
        var result = PrecisionRecallDensityCoverage.Compute(real, new FeatureMatrix(new float[] { 0.5f, 1.5f, 2.5f }, 1, "generated"), k: 2);
        Assert.IsNotNull(result.Warning);
        StringAssert.Contains(result.Warning, "duplicate");
    }

    [TestMethod]
    public void BadInputIsRefused()
    {
        var real = new FeatureMatrix(new float[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 2, "real");
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            PrecisionRecallDensityCoverage.Compute(real, new FeatureMatrix(new float[] { 0, 1, 2, 3, 4, 5 }, 3, "generated"), 1));
        StringAssert.Contains(e.Message, "generated set has 3");
        e = Assert.ThrowsExactly<ArgumentException>(() => PrecisionRecallDensityCoverage.Compute(real, real, k: 4));
        StringAssert.Contains(e.Message, "k + 1 = 5");
        e = Assert.ThrowsExactly<ArgumentException>(() => new FeatureMatrix(new float[] { 0, 1, float.NaN, 3 }, 2, "generated"));
        StringAssert.Contains(e.Message, "Row 1 of the generated set");
    }

    /// <summary>The definitions, with full float64 distance matrices.</summary>
    static PrdcResult Direct(float[] realValues, float[] generatedValues, int d, int k)
    {
        using var scope = NewDisposeScope();
        var r = tensor(realValues, new long[] { realValues.Length / d, d }).to(ScalarType.Float64);
        var g = tensor(generatedValues, new long[] { generatedValues.Length / d, d }).to(ScalarType.Float64);
        // sqrt(sum (a - b)^2) in float64, 50 rows of a at a time.
        Tensor Distances(Tensor a, Tensor b) => cat(Enumerable.Range(0, (int)((a.shape[0] + 49) / 50))
            .Select(c => (a.narrow(0, c * 50, Math.Min(50, a.shape[0] - c * 50)).unsqueeze(1) - b.unsqueeze(0)).pow(2).sum(2).sqrt()).ToList(), 0);
        var rr = Distances(r, r);
        var gg = Distances(g, g);
        var rg = Distances(r, g);
        var realRadii = rr.kthvalue(k + 1, 1).values.unsqueeze(1);
        var generatedRadii = gg.kthvalue(k + 1, 1).values.unsqueeze(0);
        var inReal = rg < realRadii;
        double precision = inReal.any(0).to(ScalarType.Float64).mean().item<double>();
        double recall = (rg < generatedRadii).any(1).to(ScalarType.Float64).mean().item<double>();
        double density = inReal.sum().item<long>() / (double)(k * g.shape[0]);
        double coverage = inReal.any(1).to(ScalarType.Float64).mean().item<double>();
        return new PrdcResult(precision, recall, density, coverage, k, (int)r.shape[0], (int)g.shape[0], null);
    }
}
