using ScoreML.Runtime;
using ScoreML.Transforms.Persistence;
using ScoreML.Training;
using static ScoreML.Tests.Training.CheckpointTestRuns;

namespace ScoreML.Tests.Training;

/// <summary>
/// An output path that cannot be written is refused before the first training step, naming the option. (A file where a
/// folder should be makes a path unwritable even for root, which runs the tests on CI.)
/// </summary>
[TestClass]
public sealed class OutputPathTests
{
    TemporaryFolder folder = null!;
    string blocked = null!;

    [TestInitialize]
    public void MakeAFolder()
    {
        folder = new TemporaryFolder();
        File.WriteAllText(folder.File("a-file"), "not a folder");
        blocked = Path.Combine(folder.File("a-file"), "checkpoints", "run.ckpt");
    }

    [TestCleanup]
    public void DeleteIt() => folder.Dispose();

    [TestMethod]
    public void AnUnwritableCheckpointPathIsRefusedBeforeTheFirstStep()
    {
        var steps = new List<int>();
        var score = ScoreOptions(blocked);
        score.Progress = Progress<TrainingProgress>(p => steps.Add(p.Step));
        var e = Assert.ThrowsExactly<ArgumentException>(() => FitScoreModel(score));
        Assert.AreEqual("CheckpointPath", e.ParamName);
        StringAssert.Contains(e.Message, blocked);
        Assert.IsEmpty(steps, "no step ran");

        e = Assert.ThrowsExactly<ArgumentException>(() => FitClassifier(ClassifierOptions(blocked)));
        Assert.AreEqual("CheckpointPath", e.ParamName);
    }

    /// <summary>A model zip whose folder cannot be made is refused naming the path, and nothing is written.</summary>
    [TestMethod]
    public void AModelZipThatCannotBeWrittenIsRefusedNamingThePath()
    {
        using var model = FitScoreModel(ScoreOptions());
        string zip = Path.Combine(folder.File("a-file"), "models", "m.zip");
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.ScoreMatching().Model.Save(model, CheckpointTestRuns.Data.Schema, zip));
        Assert.AreEqual("path", e.ParamName);
        StringAssert.Contains(e.Message, zip);
    }

    [TestMethod]
    public void OutputLocationsNameTheOptionAndAcceptWhatCanBeWritten()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => OutputLocations.RequireWritableFolder(Path.GetDirectoryName(blocked)!, "--out"));
        StringAssert.StartsWith(e.Message, "--out folder");
        e = Assert.ThrowsExactly<ArgumentException>(() => OutputLocations.RequireWritableFile(folder.Path, "--save"));
        StringAssert.Contains(e.Message, "is a folder");
        e = Assert.ThrowsExactly<ArgumentException>(() => OutputLocations.RequireWritableFolder(folder.File("a-file"), "--out"));
        StringAssert.Contains(e.Message, "is a file");

        string nested = Path.Combine(folder.Path, "new", "deeper");
        Assert.AreEqual(nested, OutputLocations.RequireWritableFolder(nested, "--out"));
        Assert.IsTrue(Directory.Exists(nested));
        Assert.IsEmpty(Directory.GetFileSystemEntries(nested), "the probe file is gone");
        Assert.AreEqual(Path.Combine(nested, "m.zip"), OutputLocations.RequireWritableFile(Path.Combine(nested, "m.zip"), "--save"));
    }
}
