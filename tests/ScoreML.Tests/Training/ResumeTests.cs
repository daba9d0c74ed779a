using ScoreML.Training;
using static ScoreML.Tests.Training.CheckpointTestRuns;

namespace ScoreML.Tests.Training;

/// <summary>
/// A run stopped by a crash, a failed checkpoint write or cancellation, and resumed from its checkpoint, ends with the
/// weights (every tensor, to the bit) and the loss history of a run that never stopped.
/// </summary>
[TestClass]
public sealed class ResumeTests
{
    TemporaryFolder folder = null!;

    [TestInitialize]
    public void MakeAFolder() => folder = new TemporaryFolder();

    [TestCleanup]
    public void DeleteIt() => folder.Dispose();

    /// <summary>The checkpoint that a run given its path leaves when it crashes; checks the step it holds.</summary>
    string CheckpointOfACrash(Action<string> crashingFit, int expectedStep)
    {
        string checkpoint = folder.File("crashed.ckpt");
        Assert.ThrowsExactly<SimulatedCrash>(() => crashingFit(checkpoint));
        Assert.AreEqual(expectedStep, StepOf(checkpoint));
        return checkpoint;
    }

    /// <summary>Crashes at step 40: the checkpoint of step 36 (mid-epoch, mid-warm-up) is on disk.</summary>
    [TestMethod]
    public void ScoreModelResumedAfterACrashEqualsAnUninterruptedRun()
    {
        using var uninterrupted = FitScoreModel(ScoreOptions());
        string checkpoint = CheckpointOfACrash(path => FitScoreModel(ScoreOptions(path, crashAt: 40)), expectedStep: 36);

        var resuming = ScoreOptions(checkpoint, resumeFrom: checkpoint);
        var steps = new List<int>();
        resuming.Progress = Progress<TrainingProgress>(p => steps.Add(p.Step));
        ScoreModelTransformer resumed = null!;
        var messages = Logged(() => resumed = FitScoreModel(resuming));
        using (resumed)
        {
            CollectionAssert.AreEqual(Enumerable.Range(37, 14).ToArray(), steps, "the resumed run starts at step 37");
            AssertSameWeights(uninterrupted.Model.Network, resumed.Model.Network);
            CollectionAssert.AreEqual(uninterrupted.Model.Training!.Losses, resumed.Model.Training!.Losses);
            Assert.AreEqual(Steps, StepOf(checkpoint), "the final checkpoint");
            Assert.IsTrue(messages.Any(m => m.Contains($"Resumed from checkpoint '{checkpoint}' at step 36/50")), string.Join("\n", messages));
        }
    }

    [TestMethod]
    public void ClassifierResumedAfterACrashEqualsAnUninterruptedRun()
    {
        using var uninterrupted = FitClassifier(ClassifierOptions());
        string checkpoint = CheckpointOfACrash(path => FitClassifier(ClassifierOptions(path, crashAt: 40)), expectedStep: 36);

        using var resumed = FitClassifier(ClassifierOptions(resumeFrom: checkpoint));
        AssertSameWeights(uninterrupted.Classifier.Network, resumed.Classifier.Network);
    }

    /// <summary>The third checkpoint write (step 36) fails half way; the one of step 24 stays as it was and resumes.</summary>
    [TestMethod]
    public void AWriteThatFailsHalfWayLeavesThePreviousCheckpointIntactAndResumable()
    {
        string checkpoint = folder.File("score.ckpt");
        using var uninterrupted = FitScoreModel(ScoreOptions());

        int writes = 0;
        byte[] previous = Array.Empty<byte>();
        TrainingCheckpoint.StreamHook = file =>
        {
            if (++writes < 3) return file;
            previous = File.ReadAllBytes(checkpoint);
            return new TappedStream(file, failAfter: previous.Length / 2);
        };
        IOException error;
        try
        {
            error = Assert.ThrowsExactly<IOException>(() => FitScoreModel(ScoreOptions(checkpoint)));
        }
        finally
        {
            TrainingCheckpoint.StreamHook = null;
        }
        StringAssert.Contains(error.Message, $"Could not write checkpoint '{checkpoint}' at step 36");
        StringAssert.Contains(error.Message, "No space left on device (simulated).");
        CollectionAssert.AreEqual(previous, File.ReadAllBytes(checkpoint), "the previous checkpoint is untouched");
        Assert.AreEqual(24, StepOf(checkpoint));
        Assert.IsFalse(File.Exists(checkpoint + ".tmp"), "the partial file is removed");

        using var resumed = FitScoreModel(ScoreOptions(resumeFrom: checkpoint));
        AssertSameWeights(uninterrupted.Model.Network, resumed.Model.Network);
    }

    /// <summary>Cancelled from the progress callback at step 17, with no CheckpointPath: a checkpoint in the temporary folder.</summary>
    [TestMethod]
    public void CancellingWritesACheckpointThatResumesToTheUninterruptedModel()
    {
        using var uninterrupted = FitScoreModel(ScoreOptions());
        using var cancellation = new CancellationTokenSource();
        var options = ScoreOptions();
        options.CancellationToken = cancellation.Token;
        var steps = new List<int>();
        options.Progress = Progress<TrainingProgress>(p => { steps.Add(p.Step); if (p.Step == 17) cancellation.Cancel(); });
        TrainingCanceledException error = null!;
        var messages = Logged(() => error = Assert.ThrowsExactly<TrainingCanceledException>(() => FitScoreModel(options)));
        try
        {
            Assert.AreEqual(17, steps.Last(), "no step runs after the cancellation");
            Assert.AreEqual(17, error.Step);
            Assert.AreEqual(cancellation.Token, error.CancellationToken);
            Assert.IsInstanceOfType<OperationCanceledException>(error);
            StringAssert.StartsWith(error.CheckpointPath, Path.GetTempPath());
            Assert.AreEqual(17, StepOf(error.CheckpointPath));
            StringAssert.Contains(error.Message, $"'{error.CheckpointPath}'");
            StringAssert.Contains(error.Message, "ResumeFrom");
            Assert.IsTrue(messages.Any(m => m.Contains("Training canceled after step 17/50") && m.Contains(error.CheckpointPath)), string.Join("\n", messages));

            using var resumed = FitScoreModel(ScoreOptions(resumeFrom: error.CheckpointPath));
            AssertSameWeights(uninterrupted.Model.Network, resumed.Model.Network);
            CollectionAssert.AreEqual(uninterrupted.Model.Training!.Losses, resumed.Model.Training!.Losses);
        }
        finally
        {
            File.Delete(error.CheckpointPath);
        }
    }

    /// <summary>
    /// A classifier run resumed at step 24 with a token cancelled beforehand stops before its first step, saves step 24 to
    /// its own CheckpointPath, and that checkpoint finishes the run.
    /// </summary>
    [TestMethod]
    public void AnAlreadyCancelledTokenStopsTheClassifierBeforeItsFirstStep()
    {
        using var uninterrupted = FitClassifier(ClassifierOptions());
        string first = CheckpointOfACrash(path => FitClassifier(ClassifierOptions(path, crashAt: 30)), expectedStep: 24);
        string second = folder.File("second.ckpt");

        var cancelled = ClassifierOptions(second, resumeFrom: first);
        cancelled.CancellationToken = new CancellationToken(canceled: true);
        var steps = new List<int>();
        cancelled.Progress = Progress<ClassifierTrainingProgress>(p => steps.Add(p.Step));
        var error = Assert.ThrowsExactly<TrainingCanceledException>(() => FitClassifier(cancelled));
        Assert.IsEmpty(steps);
        Assert.AreEqual(24, error.Step);
        Assert.AreEqual(second, error.CheckpointPath);
        Assert.AreEqual(24, StepOf(second));

        using var resumed = FitClassifier(ClassifierOptions(resumeFrom: second));
        AssertSameWeights(uninterrupted.Classifier.Network, resumed.Classifier.Network);
    }
}
