using System.Text.RegularExpressions;
using ScoreML.Training;
using static ScoreML.Tests.Training.CheckpointTestRuns;

namespace ScoreML.Tests.Training;

/// <summary>
/// The largest learning rate the options allow (1), with Adam's beta2 at 0 (each step divided by the current gradient's size
/// alone) and no clipping, blows the weights up within a few steps. (A learning rate of 1e20, which this test used before, is
/// now refused by Validate.) Training stops naming the step, and the checkpoint on disk is the last one written before it,
/// byte for byte (one every step, so the previous step's).
/// </summary>
[TestClass]
public sealed class NonFiniteLossTests
{
    [TestMethod]
    [DataRow(false, DisplayName = "score model")]
    [DataRow(true, DisplayName = "classifier")]
    public void TrainingStopsNamingTheStepAndKeepsTheLastGoodCheckpoint(bool classifier)
    {
        using var folder = new TemporaryFolder();
        string checkpoint = folder.File("run.ckpt");
        TappedStream? lastWrite = null;
        TrainingCheckpoint.StreamHook = file => lastWrite = new TappedStream(file);
        InvalidOperationException error;
        try
        {
            error = Assert.ThrowsExactly<InvalidOperationException>(() => Fit(classifier, checkpoint));
        }
        finally
        {
            TrainingCheckpoint.StreamHook = null;
        }
        var match = Regex.Match(error.Message, @"(loss became|NaN or infinite) .*at step (\d+)\.");
        Assert.IsTrue(match.Success, error.Message);
        int badStep = int.Parse(match.Groups[2].Value);
        Assert.IsGreaterThan(1, badStep, "a good checkpoint came first: " + error.Message);
        Assert.AreEqual(badStep - 1, StepOf(checkpoint), error.Message);
        CollectionAssert.AreEqual(lastWrite!.Copy.ToArray(), File.ReadAllBytes(checkpoint), "the last good checkpoint, byte for byte");
        StringAssert.Contains(error.Message, $"The last good checkpoint, '{checkpoint}' (step {badStep - 1}), is unchanged");
    }

    static void Fit(bool classifier, string checkpoint)
    {
        if (classifier)
        {
            var options = ClassifierOptions(checkpoint, interval: 1);
            (options.LearningRate, options.AdamBeta2, options.GradientClipNorm) = (1, 0, null);
            FitClassifier(options).Dispose();
        }
        else
        {
            var options = ScoreOptions(checkpoint, interval: 1);
            (options.LearningRate, options.AdamBeta2, options.GradientClipNorm, options.WarmupSteps) = (1, 0, null, 0);
            FitScoreModel(options).Dispose();
        }
    }
}
