using ScoreML.Evaluation.Metrics;
using Microsoft.ML;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>Which classifier the classification accuracy score trains on the generated samples.</summary>
public enum CasClassifier
{
    /// <summary><see cref="Network"/> (the ResNet) for images, <see cref="LinearMaxEntropy"/> for vectors.</summary>
    Automatic,
    /// <summary>ML.NET: mean-variance normalisation, then L-BFGS maximum entropy (multinomial logistic regression).</summary>
    LinearMaxEntropy,
    /// <summary>
    /// The project's classifier network, trained with cross-entropy by Adam: a <see cref="NoiseConditionalResNet"/> on
    /// images (<see cref="CasOptions.ImageShape"/>, or an image-typed real column), an MLP on vectors.
    /// </summary>
    Network,
}

/// <summary>Settings of the classification accuracy score (CAS, Ravuri and Vinyals 2019).</summary>
public sealed class CasOptions
{
    /// <summary>The most passes over the generated set (the default is 30); more only make CAS take longer.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>Which classifier CAS trains (default Automatic); ignored when <see cref="Trainer"/> is set.</summary>
    public CasClassifier Classifier { get; set; } = CasClassifier.Automatic;

    /// <summary>The rows' image shape; null takes it from the real column's type when that is an image, else the rows are vectors.</summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>Network classifier on images: the ResNet's shape (by default a small one, 16-32-64 channels, one block per stage).</summary>
    public ResNetOptions ResNet { get; set; } = new() { BaseChannels = 16, BlocksPerStage = new[] { 1, 1, 1 } };

    /// <summary>
    /// Any ML.NET multiclass pipeline to use instead of <see cref="Classifier"/>. It is fitted on a view with a float vector
    /// column <c>Features</c> and a key column <c>Label</c> and must add <c>PredictedLabel</c> (e.g.
    /// <c>ml =&gt; ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree())</c>).
    /// </summary>
    public Func<MLContext, IEstimator<ITransformer>>? Trainer { get; set; }

    /// <summary>Network classifier on vectors: hidden layer widths, each in [1, <see cref="MlpOptions.MaxWidth"/>].</summary>
    public int[] HiddenSizes { get; set; } = { 256, 256 };
    /// <summary>Network classifier: passes over the generated set, in [1, <see cref="MaxEpochs"/>].</summary>
    public int Epochs { get; set; } = 30;
    /// <summary>Network classifier: rows per step; capped at the number of rows.</summary>
    public int BatchSize { get; set; } = 128;
    /// <summary>Network classifier: Adam's learning rate, in (0, 1] (Adam moves each weight by about the rate per step).</summary>
    public double LearningRate { get; set; } = 1e-3;
    /// <summary>Seeds the network's initialisation and batch order. Null (the default) follows the MLContext: drawn from the
    /// context's random source, so <c>new MLContext(seed: s)</c> gives the same score on every run.</summary>
    public int? Seed { get; set; }

    /// <summary>A shallow copy whose <see cref="Seed"/> is filled in: as set, or drawn from <paramref name="host"/>.</summary>
    internal CasOptions WithSeedFrom(Microsoft.ML.Runtime.IHost host)
    {
        var copy = (CasOptions)MemberwiseClone();
        copy.Seed = Seed ?? host.Rand.Next();
        return copy;
    }

    /// <summary>Network classifier: receives a report every 10 steps and at the last step (with elapsed time and an estimate of the time left).</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    internal void Validate()
    {
        OptionChecks.Defined(Classifier, "CasOptions.Classifier");
        OptionChecks.InRange(Epochs, "CasOptions.Epochs", 1, MaxEpochs);
        OptionChecks.InRange(BatchSize, "CasOptions.BatchSize", 1, int.MaxValue);
        OptionChecks.InRange(LearningRate, "CasOptions.LearningRate", 0, 1, lowOpen: true);
        OptionChecks.AllInRange(HiddenSizes, "CasOptions.HiddenSizes", 1, MlpOptions.MaxWidth);
        (ResNet ?? throw new ArgumentNullException(nameof(ResNet))).Validate();
    }
}
