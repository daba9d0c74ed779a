using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML.Tests.Classification;

/// <summary>
/// A labelled toy set shared by the classifier tests: two Gaussians, class "left" around (-2, 0) and class "right"
/// around (2, 0), std 0.6, with text labels mapped to keys. The score model is trained once per test run.
/// </summary>
internal static class TwoGaussians
{
    public const int Rows = 2000;

    public static MLContext Ml { get; } = new(1);
    static readonly Lazy<(IDataView Data, ScoreModelTransformer ScoreModel)> shared = new(Build);

    /// <summary>Features (2-D) and Label (key of "left", "right").</summary>
    public static IDataView Data => shared.Value.Data;

    public static ScoreModelTransformer ScoreModel => shared.Value.ScoreModel;

    static readonly (float[] Points, int[] Labels) data = Make();
    public static float[] Points => data.Points;
    public static int[] Labels => data.Labels;

    public static DlsmClassifierOptions ClassifierOptions(ClassifierLoss loss, int steps = 800) => new()
    {
        Loss = loss,
        Steps = steps,
        BatchSize = 256,
        LearningRate = 3e-3,
        Lambda = 1,
        Seed = 3,
        Mlp = new MlpOptions { HiddenSizes = new[] { 64, 64 }, ScaleOutputBySigma = false },
    };

    public static ScoreModelOptions ScoreOptions() => new()
    {
        Steps = 1500,
        BatchSize = 256,
        LearningRate = 3e-3,
        EmaDecay = 0.99,
        Seed = 2,
        Mlp = new MlpOptions { HiddenSizes = new[] { 64, 64 } },
        Sde = new SdeOptions { SigmaMin = 0.05, SigmaMax = 6 },
    };

    static (float[], int[]) Make()
    {
        var random = new Random(5);
        var values = new float[Rows * 2];
        var classes = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            classes[i] = i % 2;
            double g1 = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double g2 = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[2 * i] = (float)((classes[i] == 0 ? -2 : 2) + 0.6 * g1);
            values[2 * i + 1] = (float)(0.6 * g2);
        }
        return (values, classes);
    }

    static (IDataView, ScoreModelTransformer) Build()
    {
        var rows = Enumerable.Range(0, Rows).Select(i => new Row
        {
            Features = new[] { Points[2 * i], Points[2 * i + 1] },
            Class = Labels[i] == 0 ? "left" : "right",
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        var raw = Ml.Data.LoadFromEnumerable(rows, schema);
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Class), keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(raw).Transform(raw);
        var scoreModel = Ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions()).Fit(keyed);
        return (keyed, scoreModel);
    }

    public sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public string Class { get; set; } = "";
    }
}
