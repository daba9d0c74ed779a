using ScoreML.Networks;
using TorchSharp;
using static ScoreML.Tests.Training.CheckpointTestRuns;
using static TorchSharp.torch;

namespace ScoreML.Tests.Training;

/// <summary>
/// The training core used directly, as a trainer of one's own would: a step with state of its own resumes bit for bit, progress
/// carries elapsed time, the estimate of the time left and the step's terms, and settings that cannot work are refused naming
/// the option at fault before any step.
/// </summary>
[TestClass]
public sealed class TrainingRunTests
{
    TemporaryFolder folder = null!;

    [TestInitialize]
    public void MakeAFolder() => folder = new TemporaryFolder();

    [TestCleanup]
    public void DeleteIt() => folder.Dispose();

    [TestMethod]
    public void AStepWithStateOfItsOwnResumesAsIfTheRunHadNotStopped()
    {
        using var data = randn(new long[] { 40, 2 }, generator: new Generator(7));
        var (uninterrupted, uninterruptedStep) = Train(data, new TrainingOptions { Steps = 12, BatchSize = 16, EmaDecay = 0.9, Seed = 2 });

        string checkpoint = folder.File("own.ckpt");
        using var stop = new CancellationTokenSource();
        var stopped = new TrainingOptions { Steps = 12, BatchSize = 16, EmaDecay = 0.9, Seed = 2, CheckpointPath = checkpoint, CancellationToken = stop.Token, ProgressInterval = 1 };
        var error = Assert.ThrowsExactly<TrainingCanceledException>(() => Train(data, stopped, progress: p => { if (p.Step == 5) stop.Cancel(); }));
        Assert.AreEqual(5, error.Step);

        var (resumed, resumedStep) = Train(data, new TrainingOptions { Steps = 12, BatchSize = 16, EmaDecay = 0.9, Seed = 2, ResumeFrom = checkpoint });
        Assert.AreEqual(12, resumedStep.Calls + 5, "the resumed run took only the remaining steps");
        Assert.AreEqual(uninterruptedStep.Total, resumedStep.Total, "the step's own state came back from the checkpoint");
        AssertSameWeights(uninterrupted, resumed);
        uninterrupted.Dispose();
        resumed.Dispose();
    }

    [TestMethod]
    public void ProgressCarriesElapsedTimeTheTimeLeftAndTheStepsTerms()
    {
        using var data = randn(new long[] { 40, 2 }, generator: new Generator(7));
        var reports = new List<TrainingProgress>();
        var (network, _) = Train(data, new TrainingOptions { Steps = 9, BatchSize = 8, ProgressInterval = 4 }, progress: reports.Add);
        network.Dispose();

        CollectionAssert.AreEqual(new[] { 4, 8, 9 }, reports.Select(r => r.Step).ToArray());
        Assert.IsTrue(reports.Zip(reports.Skip(1)).All(pair => pair.First.Elapsed <= pair.Second.Elapsed), "elapsed time grows");
        Assert.IsGreaterThan(TimeSpan.Zero, reports[0].Elapsed);
        Assert.IsGreaterThan(TimeSpan.Zero, reports[0].Remaining, "steps remain after step 4");
        Assert.AreEqual(TimeSpan.Zero, reports[^1].Remaining, "none remain after the last");
        Assert.AreEqual("running total", reports[^1].Terms.Single().Key);
        Assert.AreEqual(9f, reports[^1].Terms.Single().Value);
    }

    [TestMethod]
    public void SettingsThatCannotWorkAreRefusedNamingTheOption()
    {
        using var network = Network();
        var step = new CountingStep(network, zeros(4, 2));
        var systemRandom = new TrainingRunSettings { Rows = 4, BatchOrder = BatchOrder.ShuffledBySystemRandom };
        var refusals = new (TrainingOptions Options, TrainingRunSettings Settings, string Option)[]
        {
            (new TrainingOptions { CheckpointPath = folder.File("a.ckpt") }, systemRandom, "CheckpointPath"),
            (new TrainingOptions { ResumeFrom = folder.File("a.ckpt") }, new TrainingRunSettings { Rows = 4, Checkpoints = false }, "ResumeFrom"),
            (new TrainingOptions { Epochs = 2 }, new TrainingRunSettings { Rows = 4, BatchOrder = BatchOrder.DrawnWithReplacement }, "Epochs"),
            (new TrainingOptions { LearningRate = 0 }, new TrainingRunSettings { Rows = 4 }, "LearningRate"),
            (new TrainingOptions { EmaDecay = 1 }, new TrainingRunSettings { Rows = 4 }, "EmaDecay"),
            (new TrainingOptions(), new TrainingRunSettings { Rows = 0 }, "Rows"),
        };
        foreach (var (options, settings, option) in refusals)
        {
            var e = Assert.Throws<ArgumentException>(() => new TrainingRun(network, options, step, settings), option);
            StringAssert.Contains(e.Message, option);
            Assert.AreEqual(option, e.ParamName);
        }
        Assert.AreEqual(0, step.Calls, "nothing trained");
    }

    static NoiseConditionalMlp Network() => new(2, 2, new MlpOptions { HiddenSizes = new[] { 8 } }, seed: 3);

    static (NoiseConditionalMlp Network, CountingStep Step) Train(Tensor data, TrainingOptions options, Action<TrainingProgress>? progress = null)
    {
        var network = Network();
        var step = new CountingStep(network, data);
        try
        {
            using var run = new TrainingRun(network, options, step, new TrainingRunSettings
            {
                Trainer = "CountingTest", Objective = "Squares", Rows = (int)data.shape[0], Values = data.data<float>().ToArray(), Progress = progress,
            });
            run.Run();
            return (network, step);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A loss with noise from the run's generator, and a running total of the steps it saw, kept in checkpoints.</summary>
    sealed class CountingStep(NoiseConditionalMlp network, Tensor data) : ITrainingStep
    {
        public int Calls { get; private set; }
        public int Total { get; private set; }

        public Tensor Loss(TrainingBatch batch)
        {
            Calls++;
            Total++;
            var x = data.index_select(0, batch.Indices);
            var noise = randn(x.shape, generator: batch.Generator);
            return network.forward(x + noise, full(x.shape[0], 0.5f)).square().mean();
        }

        public IReadOnlyList<KeyValuePair<string, float>> Terms => new[] { new KeyValuePair<string, float>("running total", Total) };

        public void SaveState(BinaryWriter writer) => writer.Write(Total);

        public void LoadState(BinaryReader reader) => Total = reader.ReadInt32();
    }
}
