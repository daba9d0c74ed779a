using ScoreML.Tests.Training;

namespace ScoreML.Tests.Tool;

/// <summary>Exit codes (0 ok, 1 failure, 2 usage, 130 cancelled) and messages that name the path or option at fault.</summary>
[TestClass]
public sealed class ToolErrorTests
{
    TemporaryFolder folder = null!;

    [TestInitialize]
    public void MakeAFolder() => folder = new TemporaryFolder();

    [TestCleanup]
    public void DeleteIt() => folder.Dispose();

    [TestMethod]
    public void EveryCommandHasHelp()
    {
        var root = ToolRun.Of("--help").Expect(0);
        foreach (var command in new[] { "fid", "kid", "prdc", "metrics", "train", "sample", "evaluate", "merge" })
        {
            StringAssert.Contains(root.Out, command);
            StringAssert.Contains(ToolRun.Of(command, "--help").Expect(0).Out, "Usage:", command);
        }
        StringAssert.Contains(ToolRun.Of("fid", "--help").Out, "--save-stats");
    }

    [TestMethod]
    public void BadPathsMixedSizesAndEmptyFoldersFailNamingThePath()
    {
        string a = ToolData.PngFolder(folder.Path, "a", 4, 8, 0.5, seed: 1);
        string missing = folder.File("no-such-folder");
        var run = ToolRun.Of("fid", a, missing).Expect(1);
        StringAssert.Contains(run.Error, missing);
        StringAssert.Contains(run.Error, "does not exist");

        string mixed = ToolData.PngFolder(folder.Path, "mixed", 3, 8, 0.5, seed: 2);
        PngImages.Save(new float[3 * 9 * 9], new ImageShape(3, 9, 9), PixelScaling.ZeroToOne, Path.Combine(mixed, "odd.png"));
        run = ToolRun.Of("fid", a, mixed).Expect(1);
        StringAssert.Contains(run.Error, Path.Combine(mixed, "odd.png"), "the image of another size is named");
        StringAssert.Contains(run.Error, "--resize WxH", "the option that resizes them is named");
        StringAssert.Contains(run.Error, "9 x 9");

        string empty = Path.Combine(folder.Path, "empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not an image");
        run = ToolRun.Of("fid", empty, a, "--json").Expect(1);
        StringAssert.Contains(run.Error, empty);
        StringAssert.Contains(run.Error, "no images");
        Assert.AreEqual(1, run.Json().GetProperty("exit_code").GetInt32(), "--json reports errors as JSON too");

        string csv = folder.File("bad.csv");
        File.WriteAllLines(csv, new[] { "1,2", "3,x" });
        run = ToolRun.Of("fid", csv, csv).Expect(1);
        StringAssert.Contains(run.Error, "line 2 column 2");
    }

    [TestMethod]
    public void UnknownFlagsAndBadShardsAreUsageErrorsNamingTheOption()
    {
        var run = ToolRun.Of("fid", "a", "b", "--no-such-flag").Expect(2);
        StringAssert.Contains(run.Error, "--no-such-flag");
        run = ToolRun.Of("sample", "model.zip", "--count", "10", "--out", "x.npy", "--shard", "4/4").Expect(2);
        StringAssert.Contains(run.Error, "--shard");
        run = ToolRun.Of("fid", "a", "--save-stats", "s", "--shard", "two").Expect(2);
        StringAssert.Contains(run.Error, "--shard");
        run = ToolRun.Of("fid", "a", "b", "--features", "inception").Expect(2);
        StringAssert.Contains(run.Error, "--features");
        run = ToolRun.Of("frechet", "a", "b").Expect(2);
        StringAssert.Contains(run.Error, "frechet");
        run = ToolRun.Of("kid", "a", "b", "--kid-subsets", "0").Expect(2);
        StringAssert.Contains(run.Error, "--kid-subsets");
        // A shard of a comparison of two sets is not a thing: the shards split --save-stats.
        string csv = ToolData.PointsCsv(folder.Path, "p.csv", 20, 0, seed: 1);
        run = ToolRun.Of("fid", csv, csv, "--shard", "0/2").Expect(2);
        StringAssert.Contains(run.Error, "--shard");
    }
}
