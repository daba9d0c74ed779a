using System.Reflection;
using Microsoft.ML;
using ScoreML.Evaluation.Metrics;
using ScoreML.Networks;
using ScoreML.Training;
using static ScoreML.Tests.Training.CheckpointTestRuns;

namespace ScoreML.Tests.Training;

/// <summary>
/// <c>MLContext.CancelExecution()</c> stops every ScoreML trainer within one step, as it stops ML.NET's own: the trainers
/// write their checkpoint of the last whole step and throw an <see cref="OperationCanceledException"/>. ML.NET 5 keeps the
/// method internal (its AutoML calls it), so the tests call it by reflection, as such a caller would.
/// </summary>
[TestClass]
public sealed class MLContextCancellationTests
{
    TemporaryFolder folder = null!;

    [TestInitialize]
    public void MakeAFolder() => folder = new TemporaryFolder();

    [TestCleanup]
    public void DeleteIt() => folder.Dispose();

    static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.Invoke(ml, null);

    [TestMethod]
    public void TheScoreModelStopsAtTheStepItWasCanceledInAndKeepsItsCheckpoint()
    {
        var ml = new MLContext(0);
        string checkpoint = folder.File("score.ckpt");
        var steps = new List<int>();
        var options = ScoreOptions(checkpoint);
        options.Progress = Progress<TrainingProgress>(p => { steps.Add(p.Step); if (p.Step == 7) CancelExecution(ml); });
        var error = Assert.ThrowsExactly<TrainingCanceledException>(() => ml.ScoreMatching().Trainers.ScoreModel(options).Fit(CheckpointTestRuns.Data));
        Assert.IsInstanceOfType<OperationCanceledException>(error);
        Assert.AreEqual(7, steps.Last(), "no step runs after the cancellation");
        Assert.AreEqual(7, error.Step);
        Assert.AreEqual(checkpoint, error.CheckpointPath);
        Assert.AreEqual(7, StepOf(checkpoint));
        StringAssert.Contains(error.Message, "MLContext.CancelExecution()");

        // The checkpoint finishes the run in a context that was not canceled, as if it had never stopped.
        using var uninterrupted = FitScoreModel(ScoreOptions());
        using var resumed = FitScoreModel(ScoreOptions(resumeFrom: checkpoint));
        AssertSameWeights(uninterrupted.Model.Network, resumed.Model.Network);
    }

    [TestMethod]
    public void TheDlsmClassifierStopsAtTheStepItWasCanceledIn()
    {
        using var prior = FitScoreModel(new ScoreModelOptions { Steps = 5, BatchSize = 64, Mlp = new MlpOptions { HiddenSizes = new[] { 8 } } });
        var ml = new MLContext(0);
        string checkpoint = folder.File("classifier.ckpt");
        var steps = new List<int>();
        var options = ClassifierOptions(checkpoint);
        options.Progress = Progress<ClassifierTrainingProgress>(p => { steps.Add(p.Step); if (p.Step == 4) CancelExecution(ml); });
        var error = Assert.ThrowsExactly<TrainingCanceledException>(() => ml.ScoreMatching().Trainers.DlsmClassifier(prior.Model, options).Fit(CheckpointTestRuns.Data));
        Assert.AreEqual(4, steps.Last());
        Assert.AreEqual(4, error.Step);
        Assert.AreEqual(4, StepOf(checkpoint));
    }

    [TestMethod]
    public void AContextCanceledBeforehandStopsTheCasClassifierBeforeItsFirstBatch()
    {
        var ml = new MLContext(0);
        CancelExecution(ml);
        var random = new Random(3);
        var values = Enumerable.Range(0, 40 * 4).Select(_ => (float)random.NextDouble()).ToArray();
        var set = new LabelledFeatures(new FeatureMatrix(values, 4, "features"), Enumerable.Range(0, 40).Select(i => i % 2).ToArray(), 2);
        var e = Assert.ThrowsExactly<OperationCanceledException>(() =>
            ClassificationAccuracyScore.Compute(ml, set, set, new CasOptions { Classifier = CasClassifier.Network, Epochs = 2 }));
        StringAssert.Contains(e.Message, "CAS classifier");
    }

    [TestMethod]
    public void TheCasClassifierStopsAtTheStepItWasCanceledIn()
    {
        var ml = new MLContext(0);
        var set = LabelledSet(rows: 80);
        var steps = new List<int>();
        var options = new CasOptions
        {
            Classifier = CasClassifier.Network, HiddenSizes = new[] { 8 }, Epochs = 5, BatchSize = 8,
            Progress = Progress<TrainingProgress>(p => { steps.Add(p.Step); if (p.Step == 20) CancelExecution(ml); }),
        };
        var e = Assert.ThrowsExactly<OperationCanceledException>(() => ClassificationAccuracyScore.Compute(ml, set, set, options));
        Assert.AreEqual(20, steps.Last(), "no step runs after the cancellation");
        CollectionAssert.AreEqual(new[] { 10, 20 }, steps, "reports every 10 steps");
        StringAssert.Contains(e.Message, "CAS classifier");
        StringAssert.Contains(e.Message, "after step 20 of 50");
        StringAssert.Contains(e.Message, "MLContext.CancelExecution()");
    }

    static LabelledFeatures LabelledSet(int rows)
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, rows * 4).Select(_ => (float)random.NextDouble()).ToArray();
        return new LabelledFeatures(new FeatureMatrix(values, 4, "features"), Enumerable.Range(0, rows).Select(i => i % 2).ToArray(), 2);
    }
}
