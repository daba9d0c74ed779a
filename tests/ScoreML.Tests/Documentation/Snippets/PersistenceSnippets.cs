#region Usings
using Microsoft.ML;
using ScoreML;
#endregion

namespace Snippets;

/// <summary>The C# of docs/saved-models-and-checkpoints.md (compiled).</summary>
public static class PersistenceSnippets
{
    public static void SaveAndLoad(MLContext mlContext, ConditionalSamplingTransformer sampler, IDataView data)
    {
        #region SaveAndLoad
        mlContext.Model.Save(sampler, data.Schema, "dlsm.zip");                    // ML.NET's call works
        mlContext.ScoreMatching().Model.Save(sampler, data.Schema, "dlsm.zip");    // the same zip, written to a temporary name and renamed
        // in another process:
        var loaded = mlContext.ScoreMatching().Model.Load("dlsm.zip", out var inputSchema);   // optional device: "cpu", "cuda"
        #endregion
    }

    public static void CheckpointAndResume(MLContext ml, IDataView data, CancellationToken stop)
    {
        #region CheckpointAndResume
        var options = new ScoreModelOptions
        {
            Steps = 30_000,
            CheckpointPath = "run.ckpt",      // written every CheckpointInterval steps and at the end
            CheckpointInterval = 1000,
            CancellationToken = stop,         // stops within one step, writing a checkpoint first
        };
        try
        {
            using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(data);
        }
        catch (TrainingCanceledException stopped)
        {
            Console.WriteLine($"stopped; resume from {stopped.CheckpointPath}");
            options.ResumeFrom = stopped.CheckpointPath;   // same options and data: continues at the saved step
            using var model = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(data);
        }
        #endregion
    }
}
