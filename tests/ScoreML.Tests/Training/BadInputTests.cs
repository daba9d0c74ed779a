using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML.Tests.Training;

/// <summary>Each bad input gets a clear exception that names what is wrong, before the first training step.</summary>
[TestClass]
public sealed class BadInputTests
{
    readonly MLContext ml = new(0);
    readonly ScoreModelEstimatorTests.RecordingProgress progress = new();

    ScoreModelOptions Options() => new()
    {
        Steps = 5,
        Mlp = new MlpOptions { HiddenSizes = new[] { 8 } },
        Progress = progress,
        ProgressInterval = 1,
    };

    TException FitFails<TException>(IDataView data, ScoreModelOptions? options = null) where TException : Exception
    {
        var estimator = ml.ScoreMatching().Trainers.ScoreModel(options ?? Options());
        var error = Assert.ThrowsExactly<TException>(() => estimator.Fit(data));
        Assert.IsEmpty(progress.Reports, "no training step may run");
        return error;
    }

    [TestMethod]
    public void MissingColumn()
    {
        var options = Options();
        options.FeatureColumnName = "Pixels";
        var error = FitFails<ArgumentException>(ml.ScoreMatching().Data.TwoMoons(20), options);
        StringAssert.Contains(error.Message, "'Pixels'");
        StringAssert.Contains(error.Message, "Features");   // lists the columns present
        Assert.ThrowsExactly<ArgumentException>(() =>
            ml.ScoreMatching().Trainers.ScoreModel(options).GetOutputSchema(TestData.Shape(ml.ScoreMatching().Data.TwoMoons(20).Schema)));
    }

    [TestMethod]
    public void WronglyTypedColumns()
    {
        var doubles = ml.Data.LoadFromEnumerable(new[] { new DoubleRow(), new DoubleRow() });
        StringAssert.Contains(FitFails<ArgumentException>(doubles).Message, "Column 'Features' must be a vector of Single");
        var scalar = ml.Data.LoadFromEnumerable(new[] { new ScalarRow(), new ScalarRow() });
        StringAssert.Contains(FitFails<ArgumentException>(scalar).Message, "Column 'Features' must be a vector of Single");
    }

    [TestMethod]
    public void VariableLengthVectors()
    {
        var rows = new[] { new TestData.VectorRow { Features = new float[] { 1, 2 } }, new TestData.VectorRow { Features = new float[] { 1, 2, 3 } } };
        var error = FitFails<ArgumentException>(ml.Data.LoadFromEnumerable(rows));
        StringAssert.Contains(error.Message, "variable length");
    }

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    [DataRow(float.NegativeInfinity)]
    public void NonFiniteValuesNameTheRow(float bad)
    {
        float[] values = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        values[7] = bad;   // row 3, index 1
        var error = FitFails<InvalidDataException>(TestData.Vectors(ml, values, 2));
        StringAssert.Contains(error.Message, "Row 3 of column 'Features'");
        StringAssert.Contains(error.Message, "index 1");
    }

    [TestMethod]
    public void EmptyData()
    {
        var error = FitFails<ArgumentException>(TestData.Vectors(ml, Array.Empty<float>(), 2));
        StringAssert.Contains(error.Message, "no rows");
    }

    [TestMethod]
    public void SigmaMinNotBelowSigmaMax()
    {
        foreach (double sigmaMax in new[] { 0.01, 0.005 })
        {
            var options = Options();
            options.Sde = new SdeOptions { SigmaMin = 0.01, SigmaMax = sigmaMax };
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.ScoreMatching().Trainers.ScoreModel(options));
            StringAssert.Contains(error.Message, "SigmaMin");
            StringAssert.Contains(error.Message, "SigmaMax");
        }
        // The same check when the options are changed after the estimator was made.
        var late = Options();
        var estimator = ml.ScoreMatching().Trainers.ScoreModel(late);
        late.Sde.SigmaMax = 0.001;
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(ml.ScoreMatching().Data.TwoMoons(20)));
    }

    [TestMethod]
    public void DataInsideSigmaMinCannotDeriveSigmaMax()
    {
        var error = FitFails<ArgumentException>(TestData.Vectors(ml, new float[] { 1, 1, 1, 1.001f }, 2));
        StringAssert.Contains(error.Message, "SigmaMax");
    }

    [TestMethod]
    [DataRow(nameof(ScoreModelOptions.LearningRate), 0.0)]
    [DataRow(nameof(ScoreModelOptions.LearningRate), -1e-3)]
    [DataRow(nameof(ScoreModelOptions.LearningRate), double.NaN)]
    [DataRow(nameof(ScoreModelOptions.BatchSize), 0.0)]
    [DataRow(nameof(ScoreModelOptions.BatchSize), -5.0)]
    [DataRow(nameof(ScoreModelOptions.Steps), 0.0)]
    [DataRow(nameof(ScoreModelOptions.Steps), -1.0)]
    [DataRow(nameof(ScoreModelOptions.Epochs), 0.0)]
    public void NonPositiveTrainingOptions(string option, double value)
    {
        var options = Options();
        switch (option)
        {
            case nameof(ScoreModelOptions.LearningRate): options.LearningRate = value; break;
            case nameof(ScoreModelOptions.BatchSize): options.BatchSize = (int)value; break;
            case nameof(ScoreModelOptions.Steps): options.Steps = (int)value; break;
            case nameof(ScoreModelOptions.Epochs): options.Steps = null; options.Epochs = (int)value; break;
        }
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.ScoreMatching().Trainers.ScoreModel(options));
        Assert.AreEqual(option, error.ParamName);
    }

    [TestMethod]
    public void ExactScoreMatchingAboveItsDimensionLimit()
    {
        int dimension = ScoreModelOptions.ExactMaxDimension + 1;
        var options = Options();
        options.Objective = Objective.Exact;
        var values = Enumerable.Range(0, 4 * dimension).Select(i => (float)Math.Sin(i)).ToArray();
        var error = FitFails<ArgumentException>(TestData.Vectors(ml, values, dimension), options);
        StringAssert.Contains(error.Message, $"at most {ScoreModelOptions.ExactMaxDimension} dimensions");
        StringAssert.Contains(error.Message, $"has {dimension}");

        // At the limit it trains.
        int atLimit = ScoreModelOptions.ExactMaxDimension;
        var ok = Options();
        ok.Objective = Objective.Exact;
        ok.Steps = 1;
        ok.Progress = null;
        using var model = ml.ScoreMatching().Trainers.ScoreModel(ok)
            .Fit(TestData.Vectors(ml, Enumerable.Range(0, 4 * atLimit).Select(i => (float)Math.Sin(i)).ToArray(), atLimit));
        Assert.AreEqual(atLimit, model.Model.Dimension);
    }

    public sealed class DoubleRow
    {
        [VectorType(2)] public double[] Features { get; set; } = { 1, 2 };
    }

    public sealed class ScalarRow
    {
        public float Features { get; set; } = 1;
    }
}
