using ScoreML.Training;
using TorchSharp;
using static ScoreML.Tests.Training.CheckpointTestRuns;

namespace ScoreML.Tests.Training;

/// <summary>Checkpoint writes, resumes and cancellations leave no tensors behind: what stays alive does not grow with the steps.</summary>
[TestClass]
public sealed class CheckpointMemoryTests
{
    [TestMethod]
    public void LiveTensorsDoNotGrowWithCheckpointedSteps()
    {
        FitClassifier(ClassifierOptions()).Dispose();   // builds the shared data and frozen score model first
        Assert.AreEqual(LiveTensorsAfter(steps: 10), LiveTensorsAfter(steps: 40));
    }

    /// <summary>Live tensors left by: a score model cancelled half way and resumed, a classifier run and its resume; a checkpoint every step.</summary>
    static long LiveTensorsAfter(int steps)
    {
        using var folder = new TemporaryFolder();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using var cancellation = new CancellationTokenSource();
        var score = ScoreOptions(folder.File("score.ckpt"), interval: 1);
        score.Steps = steps;
        score.CancellationToken = cancellation.Token;
        score.Progress = Progress<TrainingProgress>(p => { if (p.Step == steps / 2) cancellation.Cancel(); });
        Assert.ThrowsExactly<TrainingCanceledException>(() => FitScoreModel(score));
        score.CancellationToken = default;
        score.ResumeFrom = score.CheckpointPath;
        FitScoreModel(score).Dispose();

        var classifier = ClassifierOptions(folder.File("classifier.ckpt"), interval: 1);
        classifier.Steps = steps;
        FitClassifier(classifier).Dispose();
        classifier.ResumeFrom = classifier.CheckpointPath;
        FitClassifier(classifier).Dispose();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
    }
}
