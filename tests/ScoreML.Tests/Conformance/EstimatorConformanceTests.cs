using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Tests.Conformance;

/// <summary>
/// What ML.NET users expect of every estimator and transformer, checked on each of the library's (<see cref="ConformanceSubjects"/>)
/// through the public catalog: the schema promised before fitting and before transforming is the schema produced; an empty
/// training set is refused with an error naming the column, and empty requests give an empty result; a model saved with
/// ML.NET's Model.Save and loaded back gives the same output; the same seed gives the same output.
/// </summary>
[TestClass]
public sealed class EstimatorConformanceTests
{
    const int InputRows = 12;

    public TestContext TestContext { get; set; } = null!;

    static IEnumerable<object[]> Subjects() => ConformanceSubjects.All.Select(s => new object[] { s.Name });

    // The conditional sampler has no estimator of its own: a fitted classifier makes it.
    static IEnumerable<object[]> SubjectsWithAnEstimator() =>
        ConformanceSubjects.All.Where(s => s.Estimator(new MLContext(1)) is not null).Select(s => new object[] { s.Name });

    static IEnumerable<object[]> SubjectsThatReadAColumn() =>
        ConformanceSubjects.All.Where(s => s.RequiredInput is not null).Select(s => new object[] { s.Name });

    [TestMethod]
    [DynamicData(nameof(SubjectsWithAnEstimator))]
    public void EstimatorOutputSchemaIsTheFittedTransformersOutput(string name)
    {
        var subject = ConformanceSubjects.Named(name);
        var ml = new MLContext(1);
        var training = subject.TrainingData(ml);
        var estimator = subject.Estimator(ml) ?? throw new AssertFailedException($"{name} has no estimator.");

        var promised = estimator.GetOutputSchema(TestData.Shape(training.Schema));
        var fitted = estimator.Fit(training);
        var produced = fitted.Transform(training).Schema;
        var visible = produced.Where(c => !c.IsHidden).ToArray();
        CollectionAssert.AreEquivalent(visible.Select(c => c.Name).ToArray(), promised.Select(c => c.Name).ToArray(), $"{name}: column names");
        foreach (var column in promised)
        {
            var actual = produced[column.Name];
            var (kind, itemType) = actual.Type switch
            {
                VectorDataViewType v => (v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, (DataViewType)v.ItemType),
                var scalar => (SchemaShape.Column.VectorKind.Scalar, scalar),
            };
            Assert.AreEqual(kind, column.Kind, $"{name}: vector kind of '{column.Name}'");
            Assert.AreEqual(actual.Type is KeyDataViewType, column.IsKey, $"{name}: key-ness of '{column.Name}'");
            if (itemType is KeyDataViewType) Assert.IsTrue(column.ItemType is KeyDataViewType || column.ItemType == NumberDataViewType.UInt32, $"{name}: item type of '{column.Name}'");
            else Assert.AreEqual(itemType, column.ItemType, $"{name}: item type of '{column.Name}'");
        }
        (fitted as IDisposable)?.Dispose();
    }

    [TestMethod]
    [DynamicData(nameof(Subjects))]
    public void TransformerOutputSchemaIsTheSchemaTransformProduces(string name)
    {
        var subject = ConformanceSubjects.Named(name);
        var ml = new MLContext(1);
        var training = subject.TrainingData(ml);
        var transformer = subject.Fit(ml, training);
        var input = subject.Input(ml, training, InputRows);
        var promised = transformer.GetOutputSchema(input.Schema);
        var output = transformer.Transform(input);
        var produced = output.Schema;
        AssertSameSchema(promised, produced, name);
        Assert.AreEqual(InputRows, Count(output), $"{name}: one output row per input row");
        foreach (string added in subject.ColumnsAdded)
            Assert.IsNotNull(produced.GetColumnOrNull(added), $"{name}: no '{added}' column");
        (transformer as IDisposable)?.Dispose();
    }

    /// <summary>An input without the column the transformer reads is refused alike before and at Transform, by the column's name.</summary>
    [TestMethod]
    [DynamicData(nameof(SubjectsThatReadAColumn))]
    public void AnInputWithoutTheColumnReadIsRefusedByNameByGetOutputSchemaAndTransform(string name)
    {
        var subject = ConformanceSubjects.Named(name);
        string column = subject.RequiredInput!;
        var ml = new MLContext(1);
        var training = subject.TrainingData(ml);
        var transformer = subject.Fit(ml, training);
        var input = ml.Transforms.DropColumns(column).Fit(subject.Input(ml, training, InputRows)).Transform(subject.Input(ml, training, InputRows));
        var promised = Assert.Throws<ArgumentException>(() => transformer.GetOutputSchema(input.Schema), $"{name}: GetOutputSchema without '{column}'");
        StringAssert.Contains(promised.Message, $"'{column}'", $"{name}: GetOutputSchema's error names the column");
        var produced = Assert.Throws<ArgumentException>(() => transformer.Transform(input), $"{name}: Transform without '{column}'");
        StringAssert.Contains(produced.Message, $"'{column}'", $"{name}: Transform's error names the column");
        (transformer as IDisposable)?.Dispose();
    }

    [TestMethod]
    [DynamicData(nameof(Subjects))]
    public void AnEmptyTrainingSetIsRefusedByNameAndNoRequestsGiveNoRows(string name)
    {
        var subject = ConformanceSubjects.Named(name);
        var ml = new MLContext(1);
        var training = subject.TrainingData(ml);
        var empty = ml.Data.SkipRows(training, int.MaxValue);   // TakeRows refuses 0
        var e = Assert.Throws<Exception>(() => subject.Fit(ml, empty), $"{name}: fitting on no rows");
        Assert.IsTrue(e is ArgumentException or InvalidOperationException or InvalidDataException,
            $"{name}: fitting on no rows threw {e.GetType().Name}, not an argument or data error: {e}");
        StringAssert.Contains(e.Message, $"'{subject.InputColumn}'", $"{name}: the error names the column");

        var transformer = subject.Fit(ml, training);
        var output = transformer.Transform(subject.Input(ml, training, 0));
        Assert.AreEqual(0, Count(output), $"{name}: rows out of an empty input");
        (transformer as IDisposable)?.Dispose();
    }

    [TestMethod]
    [DynamicData(nameof(Subjects))]
    public void SavedWithMLNetAndLoadedBackItGivesTheSameOutput(string name)
    {
        var subject = ConformanceSubjects.Named(name);
        var ml = new MLContext(1);
        var training = subject.TrainingData(ml);
        var transformer = subject.Fit(ml, training);
        var input = subject.Input(ml, training, InputRows);
        string path = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(transformer, input.Schema, path);
            var loaded = ml.ScoreMatching().Model.Load(path, out var loadedSchema);
            Assert.AreEqual(input.Schema.Count, loadedSchema.Count, $"{name}: the saved input schema");
            AssertSameSchema(transformer.GetOutputSchema(input.Schema), loaded.GetOutputSchema(input.Schema), name);
            foreach (string column in subject.ColumnsAdded)
                CollectionAssert.AreEqual(Values(transformer.Transform(input), column), Values(loaded.Transform(input), column), $"{name}: '{column}' after a round trip");
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
            (transformer as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    [DynamicData(nameof(Subjects))]
    public void TheSameSeedGivesTheSameOutput(string name)
    {
        var subject = ConformanceSubjects.Named(name);
        float[][] Run()
        {
            var ml = new MLContext(1);
            var training = subject.TrainingData(ml);
            var transformer = subject.Fit(ml, training);
            var input = subject.Input(ml, training, InputRows);
            var first = subject.ColumnsAdded.Select(c => Values(transformer.Transform(input), c)).ToArray();
            var again = subject.ColumnsAdded.Select(c => Values(transformer.Transform(input), c)).ToArray();
            for (int i = 0; i < first.Length; i++)
                CollectionAssert.AreEqual(first[i], again[i], $"{name}: '{subject.ColumnsAdded[i]}' read twice from one transformer");
            (transformer as IDisposable)?.Dispose();
            return first;
        }
        var a = Run();
        var b = Run();
        for (int i = 0; i < a.Length; i++)
            CollectionAssert.AreEqual(a[i], b[i], $"{name}: '{subject.ColumnsAdded[i]}' from two fits with the same seed");
    }

    static void AssertSameSchema(DataViewSchema promised, DataViewSchema produced, string name)
    {
        Assert.AreEqual(produced.Count, promised.Count, $"{name}: column count");
        for (int i = 0; i < produced.Count; i++)
        {
            Assert.AreEqual(produced[i].Name, promised[i].Name, $"{name}: column {i}");
            Assert.AreEqual(produced[i].Type, promised[i].Type, $"{name}: type of '{produced[i].Name}'");
            Assert.AreEqual(produced[i].IsHidden, promised[i].IsHidden, $"{name}: hidden-ness of '{produced[i].Name}'");
        }
    }

    /// <summary>A float-vector or key column's values, flattened (keys as floats).</summary>
    static float[] Values(IDataView view, string column) => view.Schema[column].Type switch
    {
        VectorDataViewType => view.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray(),
        KeyDataViewType => view.GetColumn<uint>(column).Select(k => (float)k).ToArray(),
        var other => throw new AssertFailedException($"Column '{column}' is {other}, which this test does not compare."),
    };

    static long Count(IDataView view)
    {
        using var cursor = view.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        long rows = 0;
        while (cursor.MoveNext()) rows++;
        return rows;
    }
}
