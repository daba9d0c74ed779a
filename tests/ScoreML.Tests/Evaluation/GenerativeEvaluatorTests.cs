using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Evaluation.Metrics;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class GenerativeEvaluatorTests
{
    /// <summary>Four well-separated 3-D Gaussian classes (centres 10 apart, std 1), labels as keys.</summary>
    static LabelledPoints Classes(int perClass, int seed)
    {
        var random = new Random(seed);
        int d = 3, n = perClass * 4;
        var values = new float[n * d];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 4;
            for (int j = 0; j < d; j++)
            {
                double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                values[i * d + j] = (float)((j == labels[i] % d ? 10.0 * (1 + labels[i] / 3) : 0) + z);
            }
        }
        return new LabelledPoints(values, d, labels, 4);
    }

    static IDataView Generated(MLContext ml, LabelledPoints points) =>
        ml.Transforms.CopyColumns("Generated", "Features").Fit(points.ToDataView(ml)).Transform(points.ToDataView(ml));

    [TestMethod]
    public void IdenticalSetsScorePerfectly()
    {
        var ml = new MLContext(1);
        var points = Classes(150, 1);
        var metrics = ml.ScoreMatching().Evaluate(points.ToDataView(ml), Generated(ml, points),
            new GenerativeEvaluationOptions { LabelColumnName = "Label" });
        Assert.AreEqual(0, metrics.Fid!.Value, 1e-8);
        Assert.AreEqual(1.0, metrics.Precision);
        Assert.AreEqual(1.0, metrics.Recall);
        Assert.AreEqual(1.0, metrics.Coverage);
        Assert.AreEqual(600, metrics.RealCount);
        Assert.AreEqual(600, metrics.GeneratedCount);
        Assert.HasCount(4, metrics.ClassWise!.PerClass);
        Assert.AreEqual(1.0, metrics.ClassWise.Mean.Precision);
        Assert.IsNull(metrics.InceptionScore, "the identity extractor gives no logits");
        Assert.IsTrue(metrics.Warnings.Any(w => w.Contains("Inception")));
    }

    [TestMethod]
    public void CasOfSeparableGeneratedDataIsNearPerfect()
    {
        var ml = new MLContext(1);
        var realTest = Classes(100, 2);
        var generated = Classes(200, 3);
        var metrics = ml.ScoreMatching().Evaluate(realTest.ToDataView(ml), Generated(ml, generated),
            new GenerativeEvaluationOptions { LabelColumnName = "Label", ComputePrdc = false, ComputeFid = false, ComputeClassWise = false });
        Assert.IsGreaterThanOrEqualTo(0.99, metrics.Cas!.Value, $"CAS {metrics.Cas}");

        // Generated samples whose labels are shuffled carry no class information: CAS near chance (0.25).
        var shuffled = new LabelledPoints(generated.Features, 3, generated.Labels.Select((_, i) => (i * 7 + i / 5) % 4).ToArray(), 4);
        var chance = ml.ScoreMatching().Evaluate(realTest.ToDataView(ml), Generated(ml, shuffled),
            new GenerativeEvaluationOptions { LabelColumnName = "Label", ComputePrdc = false, ComputeFid = false, ComputeClassWise = false });
        Assert.IsLessThan(0.5, chance.Cas!.Value, $"CAS with shuffled labels {chance.Cas}");
    }

    [TestMethod]
    public void CasWithTheNetworkClassifier()
    {
        var ml = new MLContext(1);
        var cas = ClassificationAccuracyScore.Compute(ml, Labelled(Classes(200, 3)), Labelled(Classes(100, 2)),
            new CasOptions { Classifier = CasClassifier.Network, Epochs = 30, HiddenSizes = new[] { 64 } });
        Assert.IsGreaterThanOrEqualTo(0.99, cas, $"CAS {cas}");
    }

    static LabelledFeatures Labelled(LabelledPoints p) => new(new FeatureMatrix(p.Features, p.Dimension, "set"), p.Labels, p.ClassCount);

    [TestMethod]
    public void RealReferenceSavesLoadsAndGivesTheSameNumbers()
    {
        var ml = new MLContext(1);
        var real = Classes(100, 4).ToDataView(ml);
        var generated = Generated(ml, Classes(100, 5));
        var direct = ml.ScoreMatching().Evaluate(real, generated);
        string path = Path.Combine(Path.GetTempPath(), $"scoreml-reference-{Guid.NewGuid():N}.bin");
        try
        {
            ml.ScoreMatching().ComputeRealReference(real).Save(path);
            var reference = RealSetReference.Load(path);
            var reused = ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { RealReference = reference });
            Assert.AreEqual(direct.Fid!.Value, reused.Fid!.Value, 1e-12);
            Assert.AreEqual(direct.Precision, reused.Precision);
            Assert.AreEqual(direct.Recall, reused.Recall);
            Assert.AreEqual(direct.Density, reused.Density);
            Assert.AreEqual(direct.Coverage, reused.Coverage);

            // A truncated file names itself.
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            var e = Assert.ThrowsExactly<InvalidDataException>(() => RealSetReference.Load(path));
            StringAssert.Contains(e.Message, path);
            StringAssert.Contains(e.Message, "truncated");
        }
        finally { File.Delete(path); }
    }

    /// <summary>Identity features that count the rows they are given.</summary>
    sealed class CountingExtractor : IFeatureExtractor
    {
        public int RowsSeen;
        public string Identity => "identity";
        public string Name => "";
        public bool ProvidesLogits => false;
        public ExtractedFeatures Extract(FeatureMatrix inputs)
        {
            RowsSeen += inputs.Rows;
            return new ExtractedFeatures(inputs, null, 0);
        }
    }

    [TestMethod]
    public void AReferenceSparesExtractingTheRealRowsAndMustComeFromThem()
    {
        var ml = new MLContext(1);
        var real = Classes(30, 4).ToDataView(ml);
        var generated = Generated(ml, Classes(20, 5));
        var extractor = new CountingExtractor();
        var options = new GenerativeEvaluationOptions { LabelColumnName = "Label", FeatureExtractor = extractor, ComputeCas = false, IntervalResamples = 10 };
        options.RealReference = ml.ScoreMatching().ComputeRealReference(real, options);
        Assert.AreEqual(120, extractor.RowsSeen);
        var metrics = ml.ScoreMatching().Evaluate(real, generated, options);
        // Only the 80 generated rows: FID, KID, PRDC and the class-wise metrics all read the real features from the reference.
        Assert.AreEqual(200, extractor.RowsSeen);
        Assert.IsNotNull(metrics.ClassWise);
        Assert.IsNotNull(metrics.Kid);

        var fewer = Classes(20, 4).ToDataView(ml);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.ScoreMatching().Evaluate(fewer, generated, options));
        StringAssert.Contains(e.Message, "computed on 120 real rows");
        StringAssert.Contains(e.Message, "'Features' of the real data has 80");
    }

    [TestMethod]
    public void BadInputGivesClearErrors()
    {
        var ml = new MLContext(1);
        var real = Classes(20, 6);
        // Different feature sizes.
        var other = TestData.Vectors(ml, new float[40], 2, "Generated");
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.ScoreMatching().Evaluate(real.ToDataView(ml), other));
        StringAssert.Contains(e.Message, "real set has 3 features");
        // NaN: the row is named.
        var values = (float[])real.Features.Clone();
        values[7 * 3 + 1] = float.NaN;
        e = Assert.ThrowsExactly<ArgumentException>(() => ml.ScoreMatching().Evaluate(real.ToDataView(ml),
            TestData.Vectors(ml, values, 3, "Generated")));
        StringAssert.Contains(e.Message, "Row 7");
        // Fewer samples than k + 1.
        e = Assert.ThrowsExactly<ArgumentException>(() => ml.ScoreMatching().Evaluate(real.ToDataView(ml),
            TestData.Vectors(ml, real.Features.Take(9).ToArray(), 3, "Generated"), new GenerativeEvaluationOptions { ComputeFid = false }));
        StringAssert.Contains(e.Message, "k + 1 = 4");
        // Labels asked for but missing from the generated view.
        e = Assert.ThrowsExactly<ArgumentException>(() => ml.ScoreMatching().Evaluate(real.ToDataView(ml),
            TestData.Vectors(ml, real.Features, 3, "Generated"), new GenerativeEvaluationOptions { LabelColumnName = "Label" }));
        StringAssert.Contains(e.Message, "generated data");
        StringAssert.Contains(e.Message, "Label");
        // A reference made with another extractor.
        var reference = RealSetReference.Compute(new FeatureMatrix(real.Features, 3, "real"), 3, extractor: "onnx:other");
        e = Assert.ThrowsExactly<ArgumentException>(() => ml.ScoreMatching().Evaluate(real.ToDataView(ml), Generated(ml, real),
            new GenerativeEvaluationOptions { RealReference = reference }));
        StringAssert.Contains(e.Message, "onnx:other");
    }

    [TestMethod]
    public void MetricsPrintAndSerialise()
    {
        var ml = new MLContext(1);
        var real = Classes(50, 7);
        var metrics = ml.ScoreMatching().Evaluate(real.ToDataView(ml), Generated(ml, Classes(50, 8)), new GenerativeEvaluationOptions { LabelColumnName = "Label" });
        var json = System.Text.Json.JsonDocument.Parse(metrics.ToJson()).RootElement;
        foreach (var key in new[] { "fid", "precision", "recall", "density", "coverage", "cas", "classwise", "extractor" })
            Assert.IsTrue(json.TryGetProperty(key, out _), key);
        Assert.AreEqual(4, json.GetProperty("classwise").GetProperty("per_class").GetArrayLength());
        StringAssert.Contains(metrics.ToTable(), "FID");
        StringAssert.Contains(metrics.ToTable(), "coverage");
    }

    [TestMethod]
    public void BootstrapIntervalsMatchTheSpreadOfIndependentGeneratedSets()
    {
        // The generated-side intervals (FID, precision, density) should be about as wide as the spread of the metric over
        // independent generated sets of the same size: that is what they claim to measure.
        var ml = new MLContext(1);
        var real = Classes(100, 20).ToDataView(ml);
        // The sets hold a fixed number of rows per class, as a class-conditional sampler makes them: the labels make the
        // resamples keep it (resampling across classes would add the spread of class proportions these sets do not have).
        var plain = new GenerativeEvaluationOptions { IntervalResamples = 0, ComputeKid = false, LabelColumnName = "Label", ComputeCas = false, ComputeClassWise = false };
        var independent = Enumerable.Range(0, 30).Select(s => ml.ScoreMatching().Evaluate(real, Generated(ml, Classes(100, 100 + s)), plain)).ToArray();
        Assert.IsNull(independent[0].FidInterval, "0 resamples: no intervals");
        var labelled = new GenerativeEvaluationOptions { ComputeKid = false, LabelColumnName = "Label", ComputeCas = false, ComputeClassWise = false };
        var withIntervals = ml.ScoreMatching().Evaluate(real, Generated(ml, Classes(100, 99)), labelled);
        Assert.AreEqual(200, withIntervals.IntervalResamples);
        foreach (var (name, interval, values) in new (string, ConfidenceInterval?, double[])[]
        {
            ("FID", withIntervals.FidInterval, independent.Select(m => m.Fid!.Value).ToArray()),
            ("precision", withIntervals.PrecisionInterval, independent.Select(m => m.Precision!.Value).ToArray()),
            ("density", withIntervals.DensityInterval, independent.Select(m => m.Density!.Value).ToArray()),
        })
        {
            double mean = values.Average(), sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            double ratio = (interval!.Upper - interval.Lower) / (2 * 1.96 * sd);
            Assert.IsTrue(ratio > 0.5 && ratio < 2, $"{name}: interval {interval} is {ratio:F2} times the width the independent sets' spread (sd {sd:G3}) gives");
        }
        foreach (var (estimate, interval) in new[] { (withIntervals.Fid, withIntervals.FidInterval), (withIntervals.Recall, withIntervals.RecallInterval),
                                                     (withIntervals.Coverage, withIntervals.CoverageInterval), (withIntervals.Precision, withIntervals.PrecisionInterval) })
            Assert.IsTrue(interval!.Contains(estimate!.Value) && interval.Upper > interval.Lower, $"{estimate} in {interval}");
        // The same seed gives the same resamples; an unset one is drawn from the MLContext, so two calls differ unless it is set.
        labelled.Seed = 7;
        var seeded = ml.ScoreMatching().Evaluate(real, Generated(ml, Classes(100, 99)), labelled);
        var again = ml.ScoreMatching().Evaluate(real, Generated(ml, Classes(100, 99)), labelled);
        Assert.AreEqual(seeded.FidInterval, again.FidInterval);
    }

    [TestMethod]
    public void KidAndCasIntervals()
    {
        var ml = new MLContext(1);
        var real = Classes(60, 30);
        var metrics = ml.ScoreMatching().Evaluate(real.ToDataView(ml), Generated(ml, Classes(60, 31)),
            new GenerativeEvaluationOptions { LabelColumnName = "Label", ComputePrdc = false, ComputeClassWise = false });
        // 240 rows on each side: one KID subset holds them all, so its interval resamples the generated rows.
        Assert.AreEqual(1, metrics.KidSubsets);
        Assert.IsTrue(metrics.KidInterval!.Contains(metrics.Kid!.Value) && metrics.KidInterval.Upper > metrics.KidInterval.Lower, $"{metrics.Kid} in {metrics.KidInterval}");
        Assert.AreEqual(ConfidenceInterval.Wilson(metrics.Cas!.Value, 240), metrics.CasInterval);
        // Several subsets: the interval is the middle 95 % of their values.
        var subsets = ml.ScoreMatching().Evaluate(real.ToDataView(ml), Generated(ml, Classes(60, 31)),
            new GenerativeEvaluationOptions { ComputePrdc = false, KidSubsetSize = 100, KidSubsets = 41 });
        Assert.AreEqual(41, subsets.KidSubsets);
        Assert.IsLessThan(subsets.KidInterval!.Upper, subsets.KidInterval.Lower);
        Assert.IsTrue(subsets.KidInterval.Contains(subsets.Kid!.Value));
    }

    [TestMethod]
    public void KidResamplesWithEveryRowOnceGiveKidItself()
    {
        var real = new FeatureMatrix(Classes(30, 40).Features, 3, "real");
        var generated = new FeatureMatrix(Classes(30, 41).Features, 3, "generated");
        var draws = new ScoreML.Evaluation.Intervals.BootstrapDraws(generated.Rows, 2, seed: 5);
        draws.Indices[0] = Enumerable.Range(0, generated.Rows).ToArray();
        var replicates = KernelInceptionDistance.ResampledGenerated(real, generated, draws);
        double kid = KernelInceptionDistance.Compute(real, generated).Mean;
        Assert.AreEqual(kid, replicates[0], 1e-10 * Math.Abs(kid));
        Assert.AreNotEqual(replicates[0], replicates[1]);
    }

    [TestMethod]
    public void JsonNamesTheMetricsAfterTheirFeatures()
    {
        var ml = new MLContext(1);
        var real = Classes(40, 50);
        var named = ml.ScoreMatching().Evaluate(real.ToDataView(ml), Generated(ml, Classes(40, 51)),
            new GenerativeEvaluationOptions { LabelColumnName = "Label", FeatureExtractor = new Snippets.FirstCoordinates(2), IntervalResamples = 20 });
        Assert.AreEqual("first2", named.FeatureName);
        var json = System.Text.Json.JsonDocument.Parse(named.ToJson()).RootElement;
        foreach (var key in new[] { "fid_first2", "fid_first2_ci", "kid_first2", "kid_first2_std", "kid_first2_ci", "precision_first2_ci", "coverage_first2",
                                    "classwise_first2", "cas", "cas_ci", "features", "kid_subsets" })
            Assert.IsTrue(json.TryGetProperty(key, out _), key);
        foreach (var key in new[] { "fid", "precision", "classwise" })
            Assert.IsFalse(json.TryGetProperty(key, out _), key);
        Assert.AreEqual(named.Fid, json.GetProperty("fid_first2").GetDouble());
        Assert.AreEqual(named.FidInterval!.Lower, json.GetProperty("fid_first2_ci").GetProperty("lower").GetDouble());
        // The rows themselves keep the plain names.
        var plain = System.Text.Json.JsonDocument.Parse(ml.ScoreMatching().Evaluate(real.ToDataView(ml), Generated(ml, Classes(40, 51)),
            new GenerativeEvaluationOptions { IntervalResamples = 20 }).ToJson()).RootElement;
        Assert.IsTrue(plain.TryGetProperty("fid", out _) && plain.TryGetProperty("fid_ci", out _));
    }

    [TestMethod]
    public void ImagesAreJudgedByThePretrainedResNetUnlessAnExtractorIsGiven()
    {
        var ml = new MLContext(1);
        var random = new Random(3);
        var shape = new ImageShape(1, 8, 8);
        LabelledImages Images(int count) => new(Enumerable.Range(0, count * shape.Size).Select(_ => (float)random.NextDouble()).ToArray(),
            new int[count], shape, new[] { "only" });
        var real = Images(12).ToDataView(ml);
        var images = Images(12).ToDataView(ml);
        var generated = ml.Transforms.CopyColumns("Generated", "Features").Fit(images).Transform(images);
        var options = new GenerativeEvaluationOptions { IntervalResamples = 0 };
        var metrics = ml.ScoreMatching().Evaluate(real, generated, options);
        Assert.AreEqual(ResNet18Features.MetricName, metrics.FeatureName);
        StringAssert.StartsWith(metrics.Extractor, "onnx:ResNet18.onnx");
        Assert.IsNull(options.FeatureExtractor, "the options are left as they were");
        // The same reference can be computed from the same default and used.
        options.RealReference = ml.ScoreMatching().ComputeRealReference(real, options);
        Assert.AreEqual(metrics.Fid, ml.ScoreMatching().Evaluate(real, generated, options).Fid);
        // Vectors keep the rows themselves; an extractor given is used.
        Assert.AreEqual("", ml.ScoreMatching().Evaluate(Classes(10, 1).ToDataView(ml), Generated(ml, Classes(10, 2)), new GenerativeEvaluationOptions()).FeatureName);
        var given = ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions { FeatureExtractor = new IdentityFeatureExtractor(), IntervalResamples = 0 });
        Assert.AreEqual("identity", given.Extractor);
    }
}
