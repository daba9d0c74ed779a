
namespace ScoreML;

public static class ScoreMatchingTrainersExtensions
{
    /// <summary>An estimator that trains an unconditional score model: <c>mlContext.ScoreMatching().Trainers.ScoreModel(options)</c>.</summary>
    public static ScoreModelEstimator ScoreModel(this ScoreMatchingTrainers catalog, ScoreModelOptions? options = null) =>
        new(catalog.Context, options);

    /// <summary>A score model with default options but the given objective and columns.</summary>
    public static ScoreModelEstimator ScoreModel(this ScoreMatchingTrainers catalog, Objective objective,
        string featureColumnName = "Features", string outputColumnName = "Generated") =>
        new(catalog.Context, new ScoreModelOptions { Objective = objective, FeatureColumnName = featureColumnName, OutputColumnName = outputColumnName });

    /// <summary>
    /// A noise-conditional classifier trainer (DLSM stage 2): <c>mlContext.ScoreMatching().Trainers.DlsmClassifier(options)</c>
    /// right after the score-model trainer in one chain, or with a fitted <paramref name="scoreModel"/>.
    /// </summary>
    public static DlsmClassifierTrainer DlsmClassifier(this ScoreMatchingTrainers catalog, DlsmClassifierOptions? options = null,
        ScoreModel? scoreModel = null) =>
        new(catalog.Context, options, scoreModel);
}
