#region Usings
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
#endregion

namespace Snippets;

/// <summary>The C# of docs/training.md (compiled; the data files they read are the reader's).</summary>
public static class TrainingSnippets
{
    public static void ScoreModelFromCsv()
    {
        #region ScoreModelFromCsv
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<Point>("points.csv", separatorChar: ',', hasHeader: true);

        var pipeline = ml.Transforms.Concatenate("Features", nameof(Point.X), nameof(Point.Y))
            .Append(ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
            {
                Objective = Objective.Lcss,          // Dsm, Lcss, Ssm, FdSsm or Exact
                Steps = 5000,
                BatchSize = 512,
                Sampler = new SamplerOptions { Kind = SamplerKind.PredictorCorrector, Steps = 500, Seed = 7 },
            }));
        var model = pipeline.Fit(data);

        // Each input row asks for one sample; the output adds a "Generated" vector column, drawn in batches as it is read.
        var requests = ml.ScoreMatching().Data.Requests(1000);
        var generated = model.LastTransformer.Transform(requests);
        foreach (var v in generated.GetColumn<VBuffer<float>>("Generated")) { /* ... */ }
        #endregion
    }

    #region Point
    class Point { [LoadColumn(0)] public float X { get; set; } [LoadColumn(1)] public float Y { get; set; } }
    #endregion

    public static void DlsmClassifier(MLContext ml, IDataView labelledData, IDataView keyedTestData)
    {
        #region DlsmClassifier
        // Stage 1: the score model, on the features alone.
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(labelledData).Transform(labelledData);
        using var scoreModel = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions { Steps = 5000 }).Fit(keyed);

        // Stage 2: the noise-conditional classifier, trained against that frozen score model.
        using var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, new DlsmClassifierOptions
        {
            Loss = ClassifierLoss.DlsmPlusCrossEntropy,   // or CrossEntropy ("base"), Dlsm
            Lambda = 1,
            Steps = 5000,
        }).Fit(keyed);

        // As an ordinary classifier at the smallest noise level: Score and PredictedLabel columns.
        var metrics = ml.MulticlassClassification.Evaluate(classifier.Transform(keyedTestData));
        #endregion
    }
}
