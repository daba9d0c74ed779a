using ScoreML.Tests.Training;

namespace ScoreML.Tests.Tool;

/// <summary>
/// scoreml train, sample, evaluate and merge with a tiny vector model: sharded sampling merged is one run bit for bit, FID
/// from merged shard statistics is one run's within 1e-9, and the train -> sample -> evaluate round trip agrees with itself.
/// </summary>
[TestClass]
public sealed class ModelCommandTests
{
    static TemporaryFolder folder = null!;
    static string data = null!, model = null!;

    // Sampling settings small enough for a test: 16 rows a batch, 20 predictor-corrector steps.
    static readonly string[] Sampler = { "--batch-size", "16", "--sampler-steps", "20" };

    [ClassInitialize]
    public static void TrainOnce(TestContext _)
    {
        folder = new TemporaryFolder();
        data = ToolData.PointsCsv(folder.Path, "train.csv", 300, 0, seed: 7);
        model = folder.File("model.zip");
        var trained = ToolRun.Of("train", data, "--out", model, "--steps", "30", "--hidden", "16,16", "--batch-size", "64", "--json").Expect(0).Json();
        Assert.AreEqual("mlp", trained.GetProperty("network").GetString());
        Assert.IsTrue(File.Exists(model));
    }

    [ClassCleanup]
    public static void DeleteIt() => folder.Dispose();

    static string[] Args(params string[] args) => args.Concat(Sampler).ToArray();

    /// <summary>
    /// train --labels runs the DLSM pipeline: a score model, the classifier against it, and the class-conditional sampler saved
    /// as the model zip; sampling it with --class gives samples on that class's side. Labels that do not fit DATA are refused
    /// before training, naming the file.
    /// </summary>
    [TestMethod]
    public void TrainWithLabelsSavesAClassConditionalSampler()
    {
        // Two classes 4 apart on the first axis: rows 0..149 of class "0" at -2, rows 150..299 of class "1" at +2.
        string left = ToolData.PointsCsv(folder.Path, "left.csv", 150, -2, seed: 11), right = ToolData.PointsCsv(folder.Path, "right.csv", 150, 2, seed: 12);
        string both = folder.File("both.csv");
        File.WriteAllLines(both, File.ReadAllLines(left).Concat(File.ReadAllLines(right)));
        string labels = folder.File("labels.txt");
        File.WriteAllLines(labels, Enumerable.Range(0, 300).Select(i => i < 150 ? "0" : "1"));
        string conditional = folder.File("conditional.zip");
        var trained = ToolRun.Of("train", both, "--out", conditional, "--labels", labels, "--classifier", "dlsm-ce", "--steps", "300",
            "--classifier-steps", "300", "--hidden", "32,32", "--sampler", "ddim", "--sampler-steps", "30", "--json").Expect(0).Json();
        Assert.AreEqual(2, trained.GetProperty("classes").GetArrayLength());
        Assert.AreEqual("dlsm-ce", trained.GetProperty("classifier").GetString());

        double MeanX(int c)
        {
            string output = folder.File($"class-{c}.csv");
            ToolRun.Of("sample", conditional, "--count", "60", "--class", c.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", output).Expect(0);
            var (values, rows, columns) = ScoreML.Tool.Inputs.CsvFile.Read(output, CancellationToken.None);
            Assert.AreEqual((60, 2), (rows, columns));
            return Enumerable.Range(0, rows).Average(r => values[r * columns]);
        }
        double x0 = MeanX(0), x1 = MeanX(1);
        Assert.IsLessThan(-0.5, x0, "class 0 samples lie left");
        Assert.IsGreaterThan(0.5, x1, "class 1 samples lie right");

        string short_ = folder.File("short-labels.txt");
        File.WriteAllLines(short_, Enumerable.Range(0, 299).Select(i => (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var refused = ToolRun.Of("train", both, "--out", folder.File("never.zip"), "--labels", short_).Expect(1);
        StringAssert.Contains(refused.Error, "short-labels.txt");
        StringAssert.Contains(refused.Error, "299 labels");
        Assert.IsFalse(File.Exists(folder.File("never.zip")));
        ToolRun.Of("train", both, "--out", folder.File("never.zip"), "--labels", labels, "--classifier", "svm").Expect(2);
    }

    /// <summary>
    /// train --labels --guidance classifier-free trains one class-conditional score model with label dropout (no classifier) and
    /// saves its classifier-free guided sampler; sample --class puts rows on that class's side, and --cfg-weight changes w
    /// (another sample than the saved w gives). Options of the other kind of guidance, or without labels, are refused naming
    /// them, before training; so is --cfg-weight for a model that is not classifier-free guided.
    /// </summary>
    [TestMethod]
    public void TrainClassifierFreeSavesAConditionalScoreModelsSampler()
    {
        string left = ToolData.PointsCsv(folder.Path, "cfg-left.csv", 150, -2, seed: 21), right = ToolData.PointsCsv(folder.Path, "cfg-right.csv", 150, 2, seed: 22);
        string both = folder.File("cfg-both.csv");
        File.WriteAllLines(both, File.ReadAllLines(left).Concat(File.ReadAllLines(right)));
        string labels = folder.File("cfg-labels.txt");
        File.WriteAllLines(labels, Enumerable.Range(0, 300).Select(i => i < 150 ? "3" : "7"));
        string conditional = folder.File("cfg.zip");
        var trained = ToolRun.Of("train", both, "--out", conditional, "--labels", labels, "--guidance", "classifier-free", "--label-dropout", "0.2",
            "--cfg-weight", "1", "--steps", "400", "--hidden", "32,32", "--sampler", "ddim", "--sampler-steps", "30", "--json").Expect(0).Json();
        Assert.AreEqual("classifier-free", trained.GetProperty("guidance").GetString());
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, trained.GetProperty("classifier").ValueKind, "no classifier is trained");
        Assert.AreEqual(0.2, trained.GetProperty("label_dropout").GetDouble(), 1e-12);
        Assert.AreEqual(1.0, trained.GetProperty("cfg_weight").GetDouble());

        float[] Sample(int c, params string[] extra)
        {
            string output = folder.File($"cfg-class-{c}-{extra.Length}.csv");
            ToolRun.Of(new[] { "sample", conditional, "--count", "60", "--class", c.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", output }.Concat(extra).ToArray()).Expect(0);
            var (values, rows, columns) = ScoreML.Tool.Inputs.CsvFile.Read(output, CancellationToken.None);
            Assert.AreEqual((60, 2), (rows, columns));
            return values;
        }
        double MeanX(float[] values) => Enumerable.Range(0, values.Length / 2).Average(r => values[r * 2]);
        var saved0 = Sample(0);
        Assert.IsLessThan(-0.5, MeanX(saved0), "class 3 samples lie left");
        Assert.IsGreaterThan(0.5, MeanX(Sample(1)), "class 7 samples lie right");
        var unguided0 = Sample(0, "--cfg-weight", "0");
        Assert.IsLessThan(-0.5, MeanX(unguided0), "at w = 0 too");
        CollectionAssert.AreNotEqual(saved0, unguided0, "--cfg-weight 0 samples another score than the saved w = 1");

        // Refusals, before any training (no zip written) or sampling.
        var mixed = ToolRun.Of("train", both, "--out", folder.File("never-cfg.zip"), "--labels", labels, "--guidance", "classifier-free", "--classifier", "ce").Expect(2);
        StringAssert.Contains(mixed.Error, "--classifier");
        var noLabels = ToolRun.Of("train", both, "--out", folder.File("never-cfg.zip"), "--label-dropout", "0.2").Expect(2);
        StringAssert.Contains(noLabels.Error, "--labels");
        var weightWithClassifier = ToolRun.Of("train", both, "--out", folder.File("never-cfg.zip"), "--labels", labels, "--cfg-weight", "1").Expect(2);
        StringAssert.Contains(weightWithClassifier.Error, "--guidance classifier-free");
        StringAssert.Contains(ToolRun.Of("train", both, "--out", folder.File("never-cfg.zip"), "--labels", labels, "--guidance", "classifier-free",
            "--label-dropout", "1").Expect(2).Error, "--label-dropout");
        Assert.IsFalse(File.Exists(folder.File("never-cfg.zip")));
        StringAssert.Contains(ToolRun.Of("sample", conditional, "--count", "4", "--cfg-weight", "-1", "--out", folder.File("never.csv")).Expect(2).Error, "--cfg-weight");
        var unconditionalModel = ToolRun.Of(Args("sample", model, "--count", "4", "--cfg-weight", "1", "--out", folder.File("never.csv"))).Expect(2);
        StringAssert.Contains(unconditionalModel.Error, "not a classifier-free guided model");
        Assert.IsFalse(File.Exists(folder.File("never.csv")));
    }

    [TestMethod]
    public void FourSampledShardsMergeIntoOneRunBitForBit()
    {
        string one = folder.File("one.npy");
        ToolRun.Of(Args("sample", model, "--count", "70", "--out", one)).Expect(0);
        var parts = Enumerable.Range(0, 4).Select(i => folder.File($"part-{i}.npy")).ToArray();
        for (int i = 0; i < 4; i++)
        {
            var shard = ToolRun.Of(Args("sample", model, "--count", "70", "--out", parts[i], "--shard", $"{i}/4", "--json")).Expect(0).Json();
            Assert.AreEqual(0, shard.GetProperty("first_row").GetInt64() % 16, "shards start on whole batches");
        }
        var incomplete = ToolRun.Of("merge", parts[0], parts[2], parts[3], "--out", folder.File("x.npy")).Expect(1);
        StringAssert.Contains(incomplete.Error, "1/4", "the missing shard is named");
        string merged = folder.File("merged.npy");
        ToolRun.Of("merge", parts[3], parts[1], parts[0], parts[2], "--out", merged).Expect(0);
        CollectionAssert.AreEqual(File.ReadAllBytes(one), File.ReadAllBytes(merged), "the merged shards are the one run's file, byte for byte");

        // CSV shards merge to the same rows too.
        string csvMerged = folder.File("merged.csv");
        var csvParts = Enumerable.Range(0, 4).Select(i => folder.File($"part-{i}.csv")).ToArray();
        for (int i = 0; i < 4; i++) ToolRun.Of(Args("sample", model, "--count", "70", "--out", csvParts[i], "--shard", $"{i}/4")).Expect(0);
        ToolRun.Of("merge", csvParts[0], csvParts[1], csvParts[2], csvParts[3], "--out", csvMerged).Expect(0);
        var (fromCsv, _, _) = ScoreML.Tool.Inputs.CsvFile.Read(csvMerged, CancellationToken.None);
        var (fromNpy, _, _) = ScoreML.Tool.Inputs.NpyFile.Read(one);
        CollectionAssert.AreEqual(fromNpy, fromCsv);
    }

    [TestMethod]
    public void FidOfFourMergedSampleStatisticsIsOneRunsWithin1e9()
    {
        double whole = ToolRun.Of(Args("evaluate", model, data, "--count", "70", "--metrics", "fid", "--json")).Expect(0).Json().GetProperty("fid").GetDouble();
        var parts = Enumerable.Range(0, 4).Select(i => folder.File($"gen-{i}.stats")).ToArray();
        for (int i = 0; i < 4; i++)
            ToolRun.Of(Args("evaluate", model, "--count", "70", "--metrics", "fid", "--shard", $"{i}/4", "--save-stats", parts[i])).Expect(0);
        string merged = folder.File("gen.stats");
        ToolRun.Of("merge", parts[0], parts[1], parts[2], parts[3], "--out", merged).Expect(0);
        double fromShards = ToolRun.Of("fid", data, merged).Expect(0).Fid();
        Assert.IsGreaterThan(0, whole);
        Assert.AreEqual(whole, fromShards, 1e-9 * whole, $"one run {whole:R}, merged shards {fromShards:R}");
        var foreign = ToolRun.Of(Args("evaluate", model, "--count", "71", "--metrics", "fid", "--shard", "0/4", "--save-stats", folder.File("other.stats"))).Expect(0);
        StringAssert.Contains(ToolRun.Of("merge", parts[1], parts[2], parts[3], folder.File("other.stats"), "--out", folder.File("y.stats")).Expect(1).Error, "other.stats");
    }

    [TestMethod]
    public void TrainSampleEvaluateRoundTrip()
    {
        string samples = folder.File("samples.csv");
        var sampled = ToolRun.Of(Args("sample", model, "--count", "100", "--out", samples, "--json")).Expect(0).Json();
        Assert.AreEqual(100, sampled.GetProperty("rows").GetInt32());
        var fromFile = ToolRun.Of("metrics", data, samples, "--json").Expect(0).Json();
        var evaluated = ToolRun.Of(Args("evaluate", model, data, "--count", "100", "--json")).Expect(0).Json();
        foreach (var key in new[] { "fid", "kid", "precision", "recall", "density", "coverage" })
            Assert.AreEqual(fromFile.GetProperty(key).GetDouble(), evaluated.GetProperty(key).GetDouble(), key);
        // 30 steps learn little, but the samples are finite points of the data's dimension.
        Assert.IsTrue(double.IsFinite(evaluated.GetProperty("fid").GetDouble()));
        Assert.AreEqual(100, evaluated.GetProperty("generated").GetProperty("rows").GetInt32());
        Assert.AreEqual(300, evaluated.GetProperty("real").GetProperty("rows").GetInt32());
    }

    [TestMethod]
    public void ACancelledRunExitsWith130()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var run = ToolRun.With(cancelled.Token, Args("sample", model, "--count", "20", "--out", folder.File("c.npy"))).Expect(130);
        StringAssert.Contains(run.Error, "cancelled");
        Assert.IsFalse(File.Exists(folder.File("c.npy")), "nothing is written");
        string checkpoint = folder.File("c.ckpt");
        run = ToolRun.With(cancelled.Token, "train", data, "--out", folder.File("c.zip"), "--steps", "50", "--checkpoint", checkpoint).Expect(130);
        StringAssert.Contains(run.Error, checkpoint, "the message says where the run so far is");
    }
}
