#region Usings
using Microsoft.ML;
using ScoreML;
#endregion

namespace Snippets;

/// <summary>The C# of docs/evaluation.md (compiled).</summary>
public static class EvaluationSnippets
{
    public static void Evaluate(MLContext ml, ConditionalSamplingTransformer sampler, IReadOnlyList<int> realTrainCounts, IDataView realTest)
    {
        #region Evaluate
        var generated = sampler.GenerateForEachClass(ml, realTrainCounts);   // per-class counts of the real training set
        var options = new GenerativeEvaluationOptions
        {
            RealColumnName = "Features", GeneratedColumnName = "Generated", LabelColumnName = "Label",
            FeatureExtractor = null,        // the default: ResNet-18 for image columns, the rows themselves for vectors
            K = 3,
            IntervalResamples = 200,        // the default; 0 for no intervals
        };
        var metrics = ml.ScoreMatching().Evaluate(realTest, generated, options);
        Console.Write(metrics.ToTable());
        Console.WriteLine($"CAS {metrics.Cas:F3}, 95 % interval {metrics.CasInterval}");
        File.WriteAllText("metrics.json", metrics.ToJson());   // fid_resnet18, fid_resnet18_ci, ... on images

        // The real set's statistics and k-NN radii, computed once and reused:
        ml.ScoreMatching().ComputeRealReference(realTest, options).Save("real.ref");
        options.RealReference = RealSetReference.Load("real.ref");
        #endregion
    }
}
