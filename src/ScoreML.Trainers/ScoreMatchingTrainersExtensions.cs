
namespace ScoreML;

/// <summary>The score-model and classifier trainers on <c>mlContext.ScoreMatching().Trainers</c>.</summary>
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
    /// A noise-conditional classifier trainer (DLSM stage 2) against the fitted score model <paramref name="prior"/>:
    /// <c>mlContext.ScoreMatching().Trainers.DlsmClassifier(scoreModelTransformer, options)</c>. The data it is fitted on may
    /// come through any transforms; only its feature and label columns are read.
    /// </summary>
    public static DlsmClassifierTrainer DlsmClassifier(this ScoreMatchingTrainers catalog, ScoreModelTransformer prior, DlsmClassifierOptions? options = null) =>
        new(catalog.Context, (prior ?? throw DlsmClassifierTrainer.MissingPrior()).Model, options);

    /// <summary>
    /// A noise-conditional classifier trainer (DLSM stage 2) against the prior score model <paramref name="prior"/> (a fitted
    /// transformer's <see cref="ScoreModelTransformer.Model"/>, or one loaded from a model zip).
    /// </summary>
    public static DlsmClassifierTrainer DlsmClassifier(this ScoreMatchingTrainers catalog, ScoreModel prior, DlsmClassifierOptions? options = null) =>
        new(catalog.Context, prior, options);

    /// <summary>A noise-conditional classifier trainer; the prior score model is required.</summary>
    [Obsolete("Pass the prior score model first: DlsmClassifier(prior, options), prior being the fitted ScoreModelTransformer or its Model. " +
        "The classifier no longer finds the score model that made its input.")]
    public static DlsmClassifierTrainer DlsmClassifier(this ScoreMatchingTrainers catalog, DlsmClassifierOptions? options = null,
        ScoreModel? scoreModel = null) =>
        new(catalog.Context, scoreModel ?? throw DlsmClassifierTrainer.MissingPrior(), options);
}
