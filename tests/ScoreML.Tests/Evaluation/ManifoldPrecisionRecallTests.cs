using ScoreML.Evaluation;
using static TorchSharp.torch;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class ManifoldPrecisionRecallTests
{
    /// <summary>
    /// 1-D points written as (x, 0). Real 0, 1, 2, 3 with k = 1 have radii 1, 1, 1, 1. Generated 0.5 (inside), 4 (exactly on the
    /// radius of 3: outside, the comparison is strict) and 10 (outside): precision 1/3. Generated radii with k = 1: 0.5 -> 3.5,
    /// 4 -> 3.5, 10 -> 6; every real point is within 3.5 of 0.5 or 4 (strictly): recall 1.
    /// </summary>
    [TestMethod]
    public void HandComputedCase()
    {
        float[] real = { 0, 0, 1, 0, 2, 0, 3, 0 };
        float[] generated = { 0.5f, 0, 4, 0, 10, 0 };
        var (precision, recall) = ManifoldPrecisionRecall.Compute(real, generated, 2, k: 1);
        Assert.AreEqual(1 / 3.0, precision, 1e-12);
        Assert.AreEqual(1.0, recall, 1e-12);
    }

    /// <summary>More points than one block (2048): the blocked computation equals the direct one over the full distance matrix.</summary>
    [TestMethod]
    public void BlockedEqualsDirect()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var real = randn(new long[] { 2500, 3 }, generator: generator);
        var fake = randn(new long[] { 2300, 3 }, generator: generator) * 1.3 + 0.2;
        var (precision, recall) = ManifoldPrecisionRecall.Compute(real.data<float>().ToArray(), fake.data<float>().ToArray(), 3, k: 3);

        var r = real.to(ScalarType.Float64);
        var f = fake.to(ScalarType.Float64);
        var realRadii = cdist(r, r).topk(4, dim: 1, largest: false).values.select(1, 3);
        var fakeRadii = cdist(f, f).topk(4, dim: 1, largest: false).values.select(1, 3);
        var cross = cdist(r, f);   // [real, fake]
        double expectedPrecision = (cross < realRadii.unsqueeze(1)).any(0).to(ScalarType.Float64).mean().item<double>();
        double expectedRecall = (cross < fakeRadii.unsqueeze(0)).any(1).to(ScalarType.Float64).mean().item<double>();
        Assert.AreEqual(expectedPrecision, precision, 1e-12);
        Assert.AreEqual(expectedRecall, recall, 1e-12);
        Assert.IsTrue(precision < 1 && recall < 1, "the sets differ, so neither share is 1");
    }

    [TestMethod]
    public void TooFewPointsForK()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => ManifoldPrecisionRecall.Compute(new float[6], new float[20], 2, k: 3));
        StringAssert.Contains(error.Message, "k + 1 = 4");
    }
}
