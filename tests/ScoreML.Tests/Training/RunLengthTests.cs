using ScoreML.Training;

namespace ScoreML.Tests.Training;

/// <summary>Epochs are counted in steps only once the data's size is known: a run of more than the longest allowed is refused there,
/// naming Epochs, before the per-step records of a run that long are allocated.</summary>
[TestClass]
public sealed class RunLengthTests
{
    [TestMethod]
    public void EpochsAddingUpToTooManyStepsAreRefusedNamingEpochs()
    {
        const int rows = 20, batchSize = 1;   // 20 steps an epoch
        int epochs = TrainingOptions.MaxSteps / rows;
        Assert.AreEqual(TrainingOptions.MaxSteps, ShuffledBatches.TotalSteps(null, epochs, rows, batchSize), "at the limit the run is allowed");
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ShuffledBatches.TotalSteps(null, epochs + 1, rows, batchSize));
        Assert.AreEqual("Epochs", error.ParamName);
        StringAssert.Contains(error.Message, $"{epochs + 1} x {rows}");
        // Steps and the default are taken as they are.
        Assert.AreEqual(7, ShuffledBatches.TotalSteps(7, null, rows, batchSize));
        Assert.AreEqual(5000, ShuffledBatches.TotalSteps(null, null, rows, batchSize));
    }
}
