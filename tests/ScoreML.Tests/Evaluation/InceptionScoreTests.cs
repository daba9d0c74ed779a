using ScoreML.Evaluation.Metrics;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class InceptionScoreTests
{
    [TestMethod]
    public void AgreesWithTheReferenceFormulaOnFixture()
    {
        // expected.json "inception_score": softmax in float64, 10 contiguous splits, mean and population std (make_reference.py).
        var (logits, classes) = Fixtures.Csv("is_logits.csv");
        var expected = Fixtures.Expected.GetProperty("inception_score");
        var score = InceptionScore.FromLogits(logits, classes);
        Assert.AreEqual(expected.GetProperty("mean").GetDouble(), score.Mean, 1e-9);
        Assert.AreEqual(expected.GetProperty("std").GetDouble(), score.Std, 1e-9);
    }

    [TestMethod]
    public void ConfidentUniformPredictionsScoreTheClassCount()
    {
        var p = new float[1000 * 10];
        for (int i = 0; i < 1000; i++) p[i * 10 + i % 10] = 1;
        var score = InceptionScore.FromProbabilities(p, 10);
        Assert.AreEqual(10.0, score.Mean, 1e-12);
        Assert.AreEqual(0.0, score.Std, 1e-12);
    }

    [TestMethod]
    public void UniformPredictionsScoreOne()
    {
        var p = Enumerable.Repeat(0.25f, 400).ToArray();
        Assert.AreEqual(1.0, InceptionScore.FromProbabilities(p, 4).Mean, 1e-6);
    }

    [TestMethod]
    public void BadInputIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => InceptionScore.FromProbabilities(new float[] { 0.5f, 0.6f, 0.5f, 0.5f }, 2, splits: 1));
        StringAssert.Contains(e.Message, "Row 0");
        Assert.ThrowsExactly<ArgumentException>(() => InceptionScore.FromLogits(new float[] { 1, 2, 3, 4 }, 2, splits: 10));
    }
}
