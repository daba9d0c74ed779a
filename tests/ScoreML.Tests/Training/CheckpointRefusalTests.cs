using ScoreML.Networks;
using ScoreML.Training;
using static ScoreML.Tests.Training.CheckpointTestRuns;

namespace ScoreML.Tests.Training;

/// <summary>
/// A checkpoint that is missing, truncated, corrupted, not a checkpoint, or from another run is refused before any
/// training step, with a message that names the file and what is wrong.
/// </summary>
[TestClass]
public sealed class CheckpointRefusalTests
{
    public TestContext TestContext { get; set; } = null!;
    TemporaryFolder folder = null!;
    string checkpoint = null!;

    /// <summary>A good checkpoint of a 20-step score-model run.</summary>
    [TestInitialize]
    public void WriteACheckpoint()
    {
        folder = new TemporaryFolder();
        checkpoint = folder.File("good.ckpt");
        var options = Options();
        options.CheckpointPath = checkpoint;
        options.CheckpointInterval = 10;
        FitScoreModel(options).Dispose();
    }

    [TestCleanup]
    public void DeleteIt() => folder.Dispose();

    static ScoreModelOptions Options()
    {
        var options = ScoreOptions();
        options.Steps = 20;
        return options;
    }

    string Refused(ScoreModelOptions options, string path)
    {
        options.ResumeFrom = path;
        var steps = new List<int>();
        options.Progress = Progress<TrainingProgress>(p => steps.Add(p.Step));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => FitScoreModel(options));
        Assert.IsEmpty(steps, "no step runs");
        StringAssert.Contains(error.Message, $"'{path}'");
        return error.Message;
    }

    string Altered(string name, Func<byte[], byte[]> alter)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, alter(File.ReadAllBytes(checkpoint)));
        return path;
    }

    [TestMethod]
    public void TheGoodCheckpointResumes()
    {
        var options = Options();
        options.ResumeFrom = checkpoint;
        using var model = FitScoreModel(options);   // at its last step already: nothing to do but load
        Assert.HasCount(20, model.Model.Training!.Losses);
        Assert.IsTrue(model.Model.Training.Losses.All(l => l != 0), "the history comes from the checkpoint");
    }

    [TestMethod]
    public void ATruncatedCheckpointIsRefusedNamingWhereItEnds()
    {
        int length = (int)new FileInfo(checkpoint).Length;
        StringAssert.Contains(Refused(Options(), Altered("name.ckpt", b => b[..10])), "is truncated (at the header)");
        StringAssert.Contains(Refused(Options(), Altered("header.ckpt", b => b[..40])), "is truncated (at the header)");
        string middle = Refused(Options(), Altered("middle.ckpt", b => b[..(length / 2)]));
        TestContext.WriteLine(middle);
        StringAssert.Contains(middle, "is truncated (at the ");
        StringAssert.Contains(Refused(Options(), Altered("end.ckpt", b => b[..(length - 5)])), "is truncated (at the checksum)");
        StringAssert.Contains(Refused(Options(), Altered("empty.ckpt", b => Array.Empty<byte>())), "is truncated (at the header)");
    }

    [TestMethod]
    public void ACorruptedCheckpointIsRefused()
    {
        int length = (int)new FileInfo(checkpoint).Length;
        string flipped = Altered("flipped.ckpt", b => { b[length * 2 / 3] ^= 0x10; return b; });
        StringAssert.Contains(Refused(Options(), flipped), "is corrupted");
        StringAssert.Contains(Refused(Options(), Altered("longer.ckpt", b => b.Concat(new byte[3]).ToArray())), "3 bytes follow its end");
        string text = folder.File("notes.txt");
        File.WriteAllText(text, "Not a checkpoint at all, just some notes that happen to have this name.");
        StringAssert.Contains(Refused(Options(), text), "is not a ScoreML training checkpoint");
    }

    [TestMethod]
    public void ACheckpointOfAnotherRunIsRefusedNamingTheDifference()
    {
        var lcss = Options();
        lcss.Objective = Objective.Lcss;
        string message = Refused(lcss, checkpoint);
        StringAssert.Contains(message, $"Checkpoint '{checkpoint}' was written by a ScoreModel run (objective Dsm, 6 weight tensors, EMA, seed 1, batch 64, 300 rows, 20 steps)");
        StringAssert.Contains(message, "this run is a ScoreModel run (objective Lcss,");
        StringAssert.Contains(message, "the objective (Dsm vs Lcss)");

        var seed = Options();
        seed.Seed = 2;
        StringAssert.Contains(Refused(seed, checkpoint), "Seed (1 vs 2)");
        var longer = Options();
        longer.Steps = 30;
        StringAssert.Contains(Refused(longer, checkpoint), "the number of steps (20 vs 30)");
        var wider = Options();
        wider.Mlp = new MlpOptions { HiddenSizes = new[] { 32, 16 } };
        StringAssert.Contains(Refused(wider, checkpoint), "the network (weight tensor");
        var noEma = Options();
        noEma.EmaDecay = null;
        StringAssert.Contains(Refused(noEma, checkpoint), "EmaDecay");

        var options = Options();
        options.ResumeFrom = checkpoint;
        var other = Assert.ThrowsExactly<InvalidDataException>(() => FitScoreModel(options, Ml.ScoreMatching().Data.TwoMoons(300, seed: 2)));
        StringAssert.Contains(other.Message, "the data (same number of rows, other values)");

        var classifier = ClassifierOptions();
        classifier.ResumeFrom = checkpoint;
        var wrongTrainer = Assert.ThrowsExactly<InvalidDataException>(() => FitClassifier(classifier));
        StringAssert.Contains(wrongTrainer.Message, $"Checkpoint '{checkpoint}' was written by a ScoreModel run; this run is a DlsmClassifier run");
    }

    [TestMethod]
    public void AMissingCheckpointIsRefusedForBothTrainers()
    {
        string missing = folder.File("missing.ckpt");
        var options = Options();
        options.ResumeFrom = missing;
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => FitScoreModel(options));
        Assert.AreEqual(missing, error.FileName);
        StringAssert.Contains(error.Message, $"'{missing}'");
        var classifier = ClassifierOptions();
        classifier.ResumeFrom = missing;
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => FitClassifier(classifier)).Message, $"'{missing}'");
    }
}
