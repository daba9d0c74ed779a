#region Usings
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
#endregion

// Outside ScoreML's namespaces on purpose: the snippets compile with the usings the documents show, and nothing more.
namespace Snippets;

/// <summary>The C# of README.md. DocumentationSnippetTests runs <see cref="Pipeline"/> as it stands.</summary>
public static class ReadmeSnippets
{
    /// <summary>Returns the generated rows, read before the model is disposed.</summary>
    public static float[][] Pipeline()
    {
        #region Pipeline
        var ml = new MLContext(seed: 1);
        IDataView points = ml.ScoreMatching().Data.Checkerboard(10_000);   // any view with a float-vector "Features" column

        var estimator = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            Objective = Objective.Lcss,                 // or Dsm, Ssm, FdSsm, Exact
            Steps = 1000,
            BatchSize = 128,
            Sampler = new SamplerOptions { Kind = SamplerKind.PredictorCorrector, Steps = 100, Seed = 7 },
        });
        using var model = estimator.Fit(points);

        // Each request row gets one new sample in a "Generated" column, drawn in batches as the view is read.
        IDataView generated = model.Transform(ml.ScoreMatching().Data.Requests(200));
        foreach (var sample in generated.GetColumn<VBuffer<float>>("Generated").Take(3))
            Console.WriteLine(string.Join(", ", sample.DenseValues()));
        #endregion
        return generated.GetColumn<VBuffer<float>>("Generated").Select(v => v.DenseValues().ToArray()).ToArray();
    }
}
