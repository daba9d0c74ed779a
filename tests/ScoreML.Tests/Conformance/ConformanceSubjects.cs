using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Tests.Conformance;

/// <summary>
/// Every estimator/transformer the library has, with settings small enough that one subject fits in well under a second:
/// the score model on vectors (MLP) and on images (U-Net), the DLSM classifier on vectors (MLP) and on images (ResNet), and
/// the class-conditional sampler a fitted classifier makes.
/// </summary>
internal static class ConformanceSubjects
{
    public static readonly ConformanceSubject[] All =
    {
        new("score model on vectors", Points, ml => ScoreModel(ml, images: false), FitScoreModel(images: false),
            (ml, _, count) => ml.ScoreMatching().Data.Requests(count), new[] { "Generated" }, "Features", null),
        new("score model on images", Images, ml => ScoreModel(ml, images: true), FitScoreModel(images: true),
            (ml, _, count) => ml.ScoreMatching().Data.Requests(count), new[] { "Generated" }, "Features", null),
        new("DLSM classifier on vectors", Points, ml => Classifier(ml, Points(ml), images: false), FitClassifier(images: false),
            (_, training, count) => training.Take(count), new[] { "Score", "PredictedLabel" }, "Features", "Features"),
        new("DLSM classifier on images", Images, ml => Classifier(ml, Images(ml), images: true), FitClassifier(images: true),
            (_, training, count) => training.Take(count), new[] { "Score", "PredictedLabel" }, "Features", "Features"),
        new("conditional sampler", Points, _ => null,
            (ml, data) => FitClassifier(images: false)(ml, data).CreateSampler(new ConditionalSamplerOptions
            {
                GuidanceScale = 2,
                Sampler = new SamplerOptions { Steps = 8, BatchSize = 8, Seed = 4 },
            }),
            (_, training, count) => training.Take(count), new[] { "Generated" }, "Features", "Label"),
    };

    public static ConformanceSubject Named(string name) => All.Single(s => s.Name == name);

    // TakeRows refuses 0, which the empty-input test asks for.
    static IDataView Take(this IDataView view, int count) =>
        count == 0 ? new MLContext(0).Data.SkipRows(view, int.MaxValue) : new MLContext(0).Data.TakeRows(view, count);

    static ScoreModelOptions ScoreOptions(bool images) => new()
    {
        Steps = 4,
        BatchSize = 8,
        EmaDecay = null,
        Seed = 3,
        UNet = new UNetOptions { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, MiddleAttention = false },
        Sde = new SdeOptions { SigmaMin = 0.05, SigmaMax = images ? 2 : 4 },
        // Sampling is most of the U-Net's cost: few steps, no corrector, one batch for the tests' requests.
        Sampler = images ? new SamplerOptions { Steps = 3, CorrectorSteps = 0, BatchSize = 16, Seed = 5 }
                         : new SamplerOptions { Steps = 8, BatchSize = 8, Seed = 5 },
    };

    // The networks' option classes are left at their defaults (small enough here) except the image ones.
    static DlsmClassifierOptions ClassifierOptions() => new()
    {
        Loss = ClassifierLoss.DlsmPlusCrossEntropy,
        Steps = 6,
        BatchSize = 8,
        Seed = 6,
        ResNet = new ResNetOptions { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 }, NoiseEmbeddingWidth = 16 },
    };

    static IEstimator<ITransformer> ScoreModel(MLContext ml, bool images) => ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions(images));

    static Func<MLContext, IDataView, ScoreModelTransformer> FitScoreModel(bool images) =>
        (ml, data) => ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions(images)).Fit(data);

    // The classifier's prior is given explicitly, the form every version of the catalog accepts.
    static IEstimator<ITransformer> Classifier(MLContext ml, IDataView data, bool images) =>
        ml.ScoreMatching().Trainers.DlsmClassifier(FitScoreModel(images)(ml, data).Model, ClassifierOptions());

    static Func<MLContext, IDataView, NoiseConditionalClassifierTransformer> FitClassifier(bool images) =>
        (ml, data) =>
        {
            using var prior = FitScoreModel(images)(ml, data);
            return ml.ScoreMatching().Trainers.DlsmClassifier(prior, ClassifierOptions()).Fit(data);
        };

    /// <summary>48 2-D points in two classes, "left" and "right", with the label mapped to a key.</summary>
    static IDataView Points(MLContext ml)
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 48).Select(i => new PointRow
        {
            Features = new[] { (float)((i % 2 == 0 ? -2 : 2) + random.NextDouble()), (float)random.NextDouble() },
            Class = i % 2 == 0 ? "left" : "right",
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(PointRow));
        schema[nameof(PointRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        var raw = ml.Data.LoadFromEnumerable(rows, schema);
        return ml.Transforms.Conversion.MapValueToKey("Label", nameof(PointRow.Class)).Fit(raw).Transform(raw);
    }

    /// <summary>24 1x8x8 images typed as images (so the trainers pick the U-Net and the ResNet), in three classes.</summary>
    static IDataView Images(MLContext ml)
    {
        var random = new Random(9);
        var rows = Enumerable.Range(0, 24).Select(i => new ImageRow
        {
            Features = Enumerable.Range(0, 64).Select(p => (float)(random.NextDouble() + (p % 8 == i % 3 ? 1 : 0))).ToArray(),
            Label = (uint)(i % 3),
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, 8, 8);
        schema[nameof(ImageRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), 3);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    sealed class PointRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public string Class { get; set; } = "";
    }

    sealed class ImageRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
