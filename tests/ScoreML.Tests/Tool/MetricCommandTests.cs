using Microsoft.ML;
using ScoreML.Tool.Inputs;
using ScoreML.Tests.Training;

namespace ScoreML.Tests.Tool;

/// <summary>
/// scoreml fid|kid|prdc|metrics on image folders (through ML.NET's pretrained ResNet-18), CSV and NPY files, and statistics
/// files in place of data, as pytorch-fid takes .npz files.
/// </summary>
[TestClass]
public sealed class MetricCommandTests
{
    TemporaryFolder folder = null!;
    string real = null!, generated = null!;

    [TestInitialize]
    public void WriteTwoFolders()
    {
        folder = new TemporaryFolder();
        real = ToolData.PngFolder(folder.Path, "real", 8, 16, 0.4, seed: 1);
        generated = ToolData.PngFolder(folder.Path, "generated", 6, 16, 0.6, seed: 2);
    }

    [TestCleanup]
    public void DeleteThem() => folder.Dispose();

    [TestMethod]
    public void FidOfTwoPngFoldersIsTheEvaluatorsFidOnTheSameImages()
    {
        double fid = ToolRun.Of("fid", real, generated).Expect(0).Fid();

        var ml = new MLContext(seed: 0);
        IDataView Read(string path) => ImageFolder.ReadFiles(ml, InputReader.ImageFiles(path)).ToDataView(ml);
        var metrics = ml.ScoreMatching().Evaluate(Read(real), Read(generated), new GenerativeEvaluationOptions
        {
            RealColumnName = "Features", GeneratedColumnName = "Features", IntervalResamples = 0,
            ComputeKid = false, ComputePrdc = false, ComputeInceptionScore = false,
        });
        Assert.AreEqual("resnet18", metrics.FeatureName, "the evaluator's default judge for images");
        Assert.IsGreaterThan(0, fid, "two different folders");
        Assert.AreEqual(metrics.Fid!.Value, fid, "the tool prints the library's FID to the last bit");
    }

    [TestMethod]
    public void SavedStatisticsStandInForTheDataAndJsonParses()
    {
        var whole = ToolRun.Of("fid", real, generated, "--json").Expect(0).Json();
        double fid = whole.GetProperty("fid_resnet18").GetDouble();
        Assert.AreEqual("resnet18", whole.GetProperty("features").GetString());
        Assert.AreEqual(8, whole.GetProperty("real").GetProperty("rows").GetInt32());
        Assert.AreEqual(6, whole.GetProperty("generated").GetProperty("rows").GetInt32());
        StringAssert.Contains(whole.GetProperty("warnings")[0].GetString(), "singular", "8 images in 512 features: the warning travels in the JSON");

        string stats = folder.File("real.stats");
        ToolRun.Of("fid", real, "--save-stats", stats).Expect(0);
        Assert.AreEqual(fid, ToolRun.Of("fid", stats, generated).Expect(0).Fid(), "the statistics give the same FID as the folder");
        string generatedStats = folder.File("generated.stats");
        ToolRun.Of("fid", generated, "--save-stats", generatedStats).Expect(0);
        Assert.AreEqual(fid, ToolRun.Of("fid", stats, generatedStats).Expect(0).Fid(), "two statistics files");

        // Statistics of other features are refused, naming the file.
        string identityStats = folder.File("identity.stats");
        ToolRun.Of("fid", real, "--save-stats", identityStats, "--features", "identity").Expect(0);
        var refused = ToolRun.Of("fid", identityStats, generated).Expect(1);
        StringAssert.Contains(refused.Error, identityStats);
        StringAssert.Contains(refused.Error, "features");
        refused = ToolRun.Of("fid", stats, generatedStats, "--features", "identity").Expect(1);
        StringAssert.Contains(refused.Error, stats);
    }

    [TestMethod]
    public void KidAndPrdcNeedStatisticsThatKeepTheFeatureRows()
    {
        var metrics = ToolRun.Of("metrics", real, generated, "--json").Expect(0).Json();
        string stats = folder.File("fid-only.stats");
        ToolRun.Of("fid", real, "--save-stats", stats).Expect(0);
        var refused = ToolRun.Of("kid", stats, generated).Expect(1);
        StringAssert.Contains(refused.Error, stats);
        StringAssert.Contains(refused.Error, "feature rows");

        string withRows = folder.File("rows.stats");
        ToolRun.Of("metrics", real, "--save-stats", withRows).Expect(0);
        var fromStats = ToolRun.Of("metrics", withRows, generated, "--json").Expect(0).Json();
        foreach (var key in new[] { "fid_resnet18", "kid_resnet18", "kid_resnet18_std", "precision_resnet18", "recall_resnet18", "density_resnet18", "coverage_resnet18" })
            Assert.AreEqual(metrics.GetProperty(key).GetDouble(), fromStats.GetProperty(key).GetDouble(), key);
        Assert.AreEqual(6, metrics.GetProperty("kid_subset_size").GetInt32(), "KID's subsets hold every row of the smaller set");
    }

    [TestMethod]
    public void CsvAndNpyOfTheSameRowsGiveTheSameMetrics()
    {
        string a = ToolData.PointsCsv(folder.Path, "a.csv", 200, 0, seed: 3);
        string b = ToolData.PointsCsv(folder.Path, "b.csv", 150, 1, seed: 4);
        var (values, rows, columns) = CsvFile.Read(b, CancellationToken.None);
        string npy = folder.File("b.npy");
        NpyFile.Write(npy, values, rows, columns);
        var (back, backRows, backColumns) = NpyFile.Read(npy);
        CollectionAssert.AreEqual(values, back);
        Assert.AreEqual((150, 2), (backRows, backColumns));

        var csv = ToolRun.Of("metrics", a, b, "--json").Expect(0).Json();
        var fromNpy = ToolRun.Of("metrics", a, npy, "--json").Expect(0).Json();
        Assert.AreEqual("identity", csv.GetProperty("features").GetString(), "vectors are compared as they are");
        Assert.IsGreaterThan(0.5, csv.GetProperty("fid").GetDouble(), "Gaussians 1 apart: FID about 1");
        foreach (var key in new[] { "fid", "kid", "precision", "recall", "density", "coverage" })
            Assert.AreEqual(csv.GetProperty(key).GetDouble(), fromNpy.GetProperty(key).GetDouble(), key);

        // A float64 .npy as numpy.save writes it (header padded to 64 bytes, '<f8').
        string f8 = folder.File("b64.npy");
        string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (150, 2), }";
        header = header.PadRight(64 - 10 - 1) + "\n";
        using (var file = new BinaryWriter(File.Create(f8)))
        {
            file.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
            file.Write((ushort)header.Length);
            file.Write(System.Text.Encoding.Latin1.GetBytes(header));
            foreach (float v in values) file.Write((double)v);
        }
        Assert.AreEqual(csv.GetProperty("fid").GetDouble(), ToolRun.Of("fid", a, f8, "--json").Expect(0).Json().GetProperty("fid").GetDouble());
    }

    /// <summary>
    /// Every metric comes with the library evaluator's interval: the same bootstrap over the same rows with the same seed gives
    /// the same bounds; the text keeps pytorch-fid's value line and adds the interval on its own line; --resamples 0 gives none.
    /// </summary>
    [TestMethod]
    public void MetricsCarryTheEvaluatorsIntervals()
    {
        string a = ToolData.PointsCsv(folder.Path, "ia.csv", 200, 0, seed: 6);
        string b = ToolData.PointsCsv(folder.Path, "ib.csv", 180, 1, seed: 7);
        var tool = ToolRun.Of("metrics", a, b, "--json", "--resamples", "60", "--seed", "3").Expect(0).Json();

        var ml = new MLContext(seed: 0);
        IDataView Read(string path)
        {
            var (values, rows, columns) = CsvFile.Read(path, CancellationToken.None);
            return new LabelledPoints(values, columns, new int[rows], 1).ToDataView(ml);
        }
        var library = ml.ScoreMatching().Evaluate(Read(a), Read(b), new GenerativeEvaluationOptions
        {
            RealColumnName = "Features", GeneratedColumnName = "Features", IntervalResamples = 60, Seed = 3,
            ComputeInceptionScore = false, ComputeCas = false, ComputeClassWise = false,
        });
        void Same(string key, ConfidenceInterval? expected)
        {
            var bounds = tool.GetProperty(key + "_ci");
            Assert.IsNotNull(expected, key);
            Assert.AreEqual(expected.Lower, bounds[0].GetDouble(), 1e-12 * Math.Max(1, Math.Abs(expected.Lower)), key + " lower");
            Assert.AreEqual(expected.Upper, bounds[1].GetDouble(), 1e-12 * Math.Max(1, Math.Abs(expected.Upper)), key + " upper");
            Assert.IsLessThan(bounds[1].GetDouble(), bounds[0].GetDouble(), key + ": a real interval");
        }
        Same("fid", library.FidInterval);
        Same("kid", library.KidInterval);
        Same("precision", library.PrecisionInterval);
        Same("recall", library.RecallInterval);
        Same("density", library.DensityInterval);
        Same("coverage", library.CoverageInterval);

        var text = ToolRun.Of("fid", a, b).Expect(0).Out.Split('\n');
        StringAssert.StartsWith(text[0], "FID:  ");
        StringAssert.StartsWith(text[1], "FID 95% interval: [");
        Assert.IsFalse(ToolRun.Of("fid", a, b, "--json", "--resamples", "0").Expect(0).Json().TryGetProperty("fid_ci", out _), "--resamples 0: no interval");
        ToolRun.Of("fid", a, b, "--level", "2").Expect(2);
    }

    static void WriteIdx(string path, int[] dimensions, byte[] values, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest) : file;
        stream.Write(new byte[] { 0, 0, 0x08, (byte)dimensions.Length });
        foreach (int d in dimensions) stream.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        stream.Write(values);
    }

    /// <summary>IDX inputs go through the library's reader: a gzip 2-D byte file gives the FID of the same values (scaled to
    /// [0, 1]) in a CSV; a 1-D file is a label file, and a label file of another rank is refused, naming it.</summary>
    [TestMethod]
    public void IdxFilesReadAsTheLibraryReadsThem()
    {
        var random = new Random(5);
        byte[] a = new byte[120 * 3], b = new byte[100 * 3];
        random.NextBytes(a);
        random.NextBytes(b);
        for (int i = 0; i < b.Length; i++) b[i] = (byte)(b[i] / 2);
        string idxA = folder.File("a.idx.gz"), idxB = folder.File("b.idx");
        WriteIdx(idxA, new[] { 120, 3 }, a, gzip: true);
        WriteIdx(idxB, new[] { 100, 3 }, b, gzip: false);
        string Csv(string name, byte[] values)
        {
            string path = folder.File(name);
            File.WriteAllLines(path, values.Chunk(3).Select(r => string.Join(",", r.Select(v => (v / 255f).ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
            return path;
        }
        double fromIdx = ToolRun.Of("fid", idxA, idxB, "--json", "--resamples", "0").Expect(0).Json().GetProperty("fid").GetDouble();
        double fromCsv = ToolRun.Of("fid", Csv("a-idx.csv", a), Csv("b-idx.csv", b), "--json", "--resamples", "0").Expect(0).Json().GetProperty("fid").GetDouble();
        Assert.AreEqual(fromCsv, fromIdx, 1e-9 * fromCsv);
        Assert.IsGreaterThan(0.001, fromIdx, "the sets differ");

        string labels = folder.File("labels.idx.gz");
        WriteIdx(labels, new[] { 4 }, new byte[] { 3, 1, 3, 0 }, gzip: true);
        CollectionAssert.AreEqual(new[] { 3, 1, 3, 0 }, ScoreML.Tool.Inputs.IdxFile.ReadLabels(labels));
        var refusal = Assert.ThrowsExactly<InvalidDataException>(() => ScoreML.Tool.Inputs.IdxFile.ReadLabels(idxA));
        StringAssert.Contains(refusal.Message, "a.idx.gz");
    }

    [TestMethod]
    public void StatisticsOfFourShardsMergeIntoTheWholeSetsFid()
    {
        string a = ToolData.PointsCsv(folder.Path, "a.csv", 403, 0, seed: 5);
        string b = ToolData.PointsCsv(folder.Path, "b.csv", 300, 0.5, seed: 6);
        double whole = ToolRun.Of("fid", a, b).Expect(0).Fid();
        var parts = Enumerable.Range(0, 4).Select(i => folder.File($"a-{i}.stats")).ToArray();
        for (int i = 3; i >= 0; i--) ToolRun.Of("fid", a, "--save-stats", parts[i], "--shard", $"{i}/4").Expect(0);
        var shard = ToolRun.Of("fid", parts[1], b).Expect(1);
        StringAssert.Contains(shard.Error, "scoreml merge", "a shard's statistics are not a data set's");
        var missing = ToolRun.Of("merge", parts[0], parts[1], parts[3], "--out", folder.File("x.stats")).Expect(1);
        StringAssert.Contains(missing.Error, "missing");
        string merged = folder.File("a.stats");
        ToolRun.Of("merge", parts[2], parts[0], parts[3], parts[1], "--out", merged).Expect(0);
        double fromShards = ToolRun.Of("fid", merged, b).Expect(0).Fid();
        Assert.AreEqual(whole, fromShards, 1e-9 * whole, "FID from merged shard statistics");
    }
}
