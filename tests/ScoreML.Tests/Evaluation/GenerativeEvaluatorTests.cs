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
}
