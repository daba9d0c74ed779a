using Microsoft.ML;
using ScoreML.Data;

namespace ScoreML;

/// <summary>
/// The ScoreML entry point on an MLContext: <c>mlContext.ScoreMatching()</c>. Trainers and evaluators are
/// added to its sub-catalogs as extension methods by the ScoreML.Trainers and ScoreML.Evaluation assemblies.
/// </summary>
public sealed class ScoreMatchingCatalog
{
    internal ScoreMatchingCatalog(MLContext context)
    {
        Context = context;
        Trainers = new ScoreMatchingTrainers(context);
        Data = new ScoreMatchingDataCatalog(context);
        Model = new ScoreMatchingModelOperations(context);
    }

    /// <summary>The MLContext this catalog belongs to.</summary>
    public MLContext Context { get; }
    /// <summary>The score-model and classifier trainers.</summary>
    public ScoreMatchingTrainers Trainers { get; }
    /// <summary>The toy data sets and generation requests, and the image readers of ScoreML.Images.</summary>
    public ScoreMatchingDataCatalog Data { get; }
    /// <summary>Saving and loading models that hold ScoreML transformers.</summary>
    public ScoreMatchingModelOperations Model { get; }
}

/// <summary>Saving and loading model zips that hold ScoreML transformers (extension methods in ScoreML.Transforms).</summary>
public sealed class ScoreMatchingModelOperations
{
    internal ScoreMatchingModelOperations(MLContext context) => Context = context;
    /// <summary>The MLContext this catalog belongs to.</summary>
    public MLContext Context { get; }
}

/// <summary>Where score-model and classifier trainers hang (extension methods in ScoreML.Trainers).</summary>
public sealed class ScoreMatchingTrainers
{
    internal ScoreMatchingTrainers(MLContext context) => Context = context;
    /// <summary>The MLContext this catalog belongs to.</summary>
    public MLContext Context { get; }
}

/// <summary>
/// Built-in toy data sets as IDataViews with a 2-D <c>Features</c> column and a key-typed <c>Label</c>; the image readers
/// (ScoreML.Images) add theirs as extension methods.
/// </summary>
public sealed class ScoreMatchingDataCatalog
{
    readonly MLContext context;
    internal ScoreMatchingDataCatalog(MLContext context) => this.context = context;

    /// <summary>The MLContext this catalog belongs to.</summary>
    public MLContext Context => context;

    /// <inheritdoc cref="ToyDataSets.TwoMoons"/>
    public IDataView TwoMoons(int count, double noise = 0.1, int seed = 0, bool center = false, double scale = 1.0) =>
        ToyDataSets.TwoMoons(count, noise, seed, center, scale).ToDataView(context);

    /// <inheritdoc cref="ToyDataSets.Checkerboard"/>
    public IDataView Checkerboard(int count, int seed = 0) => ToyDataSets.Checkerboard(count, seed).ToDataView(context);

    /// <inheritdoc cref="ToyDataSets.GaussianMixture"/>
    public IDataView GaussianMixture(int count, int components = 8, double radius = 4, double std = 0.2, int seed = 0) =>
        ToyDataSets.GaussianMixture(count, components, radius, std, seed).ToDataView(context);

    /// <inheritdoc cref="ToyDataSets.SwissRoll"/>
    public IDataView SwissRoll(int count, double noise = 0.5, int seed = 0, double scale = 0.2) =>
        ToyDataSets.SwissRoll(count, noise, seed, scale).ToDataView(context);

    /// <summary>
    /// <paramref name="count"/> generation requests: rows with a single <c>RequestId</c> column (0, 1, ...).
    /// A score-model transformer adds one generated sample per row.
    /// </summary>
    public IDataView Requests(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of requests cannot be negative.");
        return context.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new GenerationRequest { RequestId = i }).ToList());
    }

    sealed class GenerationRequest
    {
        public int RequestId { get; set; }
    }
}

/// <summary>Adds <c>mlContext.ScoreMatching()</c>, ScoreML's entry point, to ML.NET's MLContext.</summary>
public static class MLContextScoreMatchingExtensions
{
    /// <summary>ScoreML's catalog of score-matching trainers, data sets and evaluators.</summary>
    public static ScoreMatchingCatalog ScoreMatching(this MLContext mlContext) => new(mlContext ?? throw new ArgumentNullException(nameof(mlContext)));
}
