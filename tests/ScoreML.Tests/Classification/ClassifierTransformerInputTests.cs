using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Tests.Classification;

[TestClass]
public sealed class ClassifierTransformerInputTests
{
    /// <summary>More rows than one batch of the transformer (4096), so that the row number must count the batches before.</summary>
    const int Rows = 5000;

    /// <summary>An untrained 2-D classifier with its score model: what it predicts does not matter, only what it accepts.</summary>
    static NoiseConditionalClassifierTransformer Untrained(ScoreModel scoreModel) =>
        new(scoreModel, new NoiseConditionalClassifier(new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 8 }, ScaleOutputBySigma = false }, seed: 2)),
            new LabelKeys(2));

    static IDataView Points(MLContext ml, int badRow, float badValue)
    {
        var rows = Enumerable.Range(0, Rows).Select(i => new Row { Features = new[] { i * 1e-3f, -i * 1e-3f } }).ToArray();
        if (badRow >= 0) rows[badRow].Features[1] = badValue;
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    [TestMethod]
    public void NonFiniteFeaturesAreRefusedNamingTheRowAndColumn()
    {
        var ml = new MLContext(1);
        using var scoreModel = new ScoreModel(new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 8 } }, seed: 1), new VeSde(0.05, 6), CPU);
        using var transformer = Untrained(scoreModel);

        var finite = transformer.Transform(Points(ml, -1, 0)).GetColumn<uint>("PredictedLabel").ToArray();
        Assert.HasCount(Rows, finite);
        Assert.IsTrue(finite.All(key => key is 1 or 2), "finite rows get a class");

        foreach (var (row, value) in new[] { (4321, float.NaN), (17, float.PositiveInfinity), (Rows - 1, float.NegativeInfinity) })
        {
            var scored = transformer.Transform(Points(ml, row, value));
            var byLabel = Assert.ThrowsExactly<InvalidDataException>(() => scored.GetColumn<uint>("PredictedLabel").ToArray(), $"{value} in row {row}");
            StringAssert.Contains(byLabel.Message, $"Row {row} of column 'Features'");
            StringAssert.Contains(byLabel.Message, "at index 1");
            var byScore = Assert.ThrowsExactly<InvalidDataException>(() => scored.GetColumn<VBuffer<float>>("Score").ToArray());
            StringAssert.Contains(byScore.Message, $"Row {row} of column 'Features'");
        }
    }

    sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }
}
