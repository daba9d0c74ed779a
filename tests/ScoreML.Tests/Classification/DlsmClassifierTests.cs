using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace ScoreML.Tests.Classification;

[TestClass]
public sealed class DlsmClassifierTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// On the two Gaussians, DLSM+CE's likelihood score is closer to the oracle's than CE alone's (the DLSM paper's claim,
    /// Table 1), at sigma = 1 and 2 over a grid covering both classes.
    /// </summary>
    [TestMethod]
    public void DlsmPlusCrossEntropyLearnsTheLikelihoodScoreBetterThanCrossEntropy()
    {
        var ml = TwoGaussians.Ml;
        var scoreModel = TwoGaussians.ScoreModel.Model;
        using var ce = ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, TwoGaussians.ClassifierOptions(ClassifierLoss.CrossEntropy)).Fit(TwoGaussians.Data);
        using var dlsm = ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, TwoGaussians.ClassifierOptions(ClassifierLoss.DlsmPlusCrossEntropy)).Fit(TwoGaussians.Data);
        using var oracle = new ParzenOracle(TwoGaussians.Points, 2, TwoGaussians.Labels);
        float[] grid = Grid(-4, 4, -2, 2, 15);
        foreach (double sigma in new[] { 1.0, 2.0 })
        {
            var (ceP, ceL) = ScoreErrors.Measure(ConditionalScoreEstimate.FromGuidance(scoreModel, ce.Classifier), oracle, grid, sigma);
            var (dlP, dlL) = ScoreErrors.Measure(ConditionalScoreEstimate.FromGuidance(scoreModel, dlsm.Classifier), oracle, grid, sigma);
            TestContext.WriteLine($"sigma {sigma}: D_L CE {ceL[0]:F4}/{ceL[1]:F4}, DLSM+CE {dlL[0]:F4}/{dlL[1]:F4}; D_P CE {ceP[0]:F4}/{ceP[1]:F4}, DLSM+CE {dlP[0]:F4}/{dlP[1]:F4}");
            for (int c = 0; c < 2; c++)
                Assert.IsLessThan(ceL[c], dlL[c], $"sigma {sigma}, class {c}: D_L of DLSM+CE {dlL[c]:F4} vs CE {ceL[c]:F4}");
        }
    }

    /// <summary>Progress carries both loss terms; the monitor sees the classifier at its interval and at the end.</summary>
    [TestMethod]
    public void ReportsBothTermsAndCallsTheMonitor()
    {
        foreach (var loss in new[] { ClassifierLoss.CrossEntropy, ClassifierLoss.DlsmPlusCrossEntropy })
        {
            var options = TwoGaussians.ClassifierOptions(loss, steps: 25);
            var reports = new List<ClassifierTrainingProgress>();
            var monitored = new List<int>();
            options.Progress = new SynchronousProgress(reports.Add);
            options.ProgressInterval = 5;
            options.Monitor = (step, classifier) => { Assert.IsFalse(classifier.Network.training); monitored.Add(step); };
            options.MonitorInterval = 10;
            using var model = TwoGaussians.Ml.ScoreMatching().Trainers.DlsmClassifier(TwoGaussians.ScoreModel.Model, options).Fit(TwoGaussians.Data);
            CollectionAssert.AreEqual(new[] { 10, 20, 25 }, monitored);
            Assert.HasCount(5, reports);
            Assert.IsTrue(reports.All(r => float.IsFinite(r.CrossEntropy) && float.IsFinite(r.Loss)));
            if (loss == ClassifierLoss.CrossEntropy)
                Assert.IsTrue(reports.All(r => float.IsNaN(r.Dlsm) && r.Loss == r.CrossEntropy));
            else
                Assert.IsTrue(reports.All(r => float.IsFinite(r.Dlsm) && Math.Abs(r.Loss - (r.Dlsm + r.CrossEntropy)) < 1e-4 * Math.Abs(r.Loss) + 1e-6));
        }
    }

    sealed class SynchronousProgress(Action<ClassifierTrainingProgress> report) : IProgress<ClassifierTrainingProgress>
    {
        public void Report(ClassifierTrainingProgress value) => report(value);
    }

    /// <summary>The oracle estimate has zero error, and the errors are per class.</summary>
    [TestMethod]
    public void TheOracleHasNoScoreError()
    {
        using var oracle = new ParzenOracle(TwoGaussians.Points, 2, TwoGaussians.Labels);
        var (p, l) = ScoreErrors.Measure(ConditionalScoreEstimate.FromOracle(oracle), oracle, Grid(-4, 4, -2, 2, 5), 0.7);
        Assert.HasCount(2, p);
        Assert.IsTrue(p.Concat(l).All(e => e < 1e-5), string.Join(", ", p.Concat(l)));
    }

    internal static float[] Grid(float x0, float x1, float y0, float y1, int n)
    {
        var values = new List<float>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                values.AddRange(new[] { x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * j / (n - 1) });
        return values.ToArray();
    }
}
