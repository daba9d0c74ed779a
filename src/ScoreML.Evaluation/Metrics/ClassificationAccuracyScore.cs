using ScoreML.Evaluation.Metrics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The classification accuracy score (Ravuri and Vinyals 2019): a fresh classifier trained on the generated labelled samples
/// only, then its accuracy on real held-out data. High when every class's samples carry what tells that class apart.
/// Pass real data the generative model did not train on as the test set.
/// </summary>
public static class ClassificationAccuracyScore
{
    // The network classifier is told a fixed, tiny noise level: it is the project's noise-conditional network used as a
    // plain classifier.
    const float NetworkSigma = 1e-3f;

    /// <param name="mlContext">Runs the classifier pipeline and receives the network classifier's log.</param>
    /// <param name="generated">The generated samples and the class each was generated for (training set).</param>
    /// <param name="realTest">Real held-out samples and their classes (test set).</param>
    /// <param name="options">Which classifier and how it trains; null for the defaults.</param>
    /// <param name="columnShape">The image shape of the real column, used when <see cref="CasOptions.ImageShape"/> is null.</param>
    public static double Compute(MLContext mlContext, LabelledFeatures generated, LabelledFeatures realTest, CasOptions? options = null, ImageShape? columnShape = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        options ??= new CasOptions();
        options.Validate();
        var host = ((IHostEnvironment)mlContext).Register("ScoreML.CAS");
        options = options.WithSeedFrom(host);   // an unset seed follows the MLContext
        generated.Features.RequireSameDimension(realTest.Features);
        if (generated.ClassCount != realTest.ClassCount)
            throw new ArgumentException($"The generated labels have {generated.ClassCount} classes and the real ones {realTest.ClassCount}.", nameof(generated));
        if (generated.Labels.Distinct().Count() < 2)
            throw new ArgumentException("The generated samples hold a single class; CAS needs samples of at least two.", nameof(generated));
        var shape = options.ImageShape ?? columnShape;
        shape?.Validate(generated.Features.Dimension, "CasOptions.ImageShape");
        var classifier = options.Classifier == CasClassifier.Automatic
            ? (shape is null ? CasClassifier.LinearMaxEntropy : CasClassifier.Network)
            : options.Classifier;
        return options.Trainer is null && classifier == CasClassifier.Network
            ? NetworkAccuracy(host, generated, realTest, options, shape)
            : PipelineAccuracy(mlContext, generated, realTest, options);
    }

    static double PipelineAccuracy(MLContext ml, LabelledFeatures train, LabelledFeatures test, CasOptions options)
    {
        var estimator = options.Trainer?.Invoke(ml)
            ?? ml.Transforms.NormalizeMeanVariance("Features").Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());
        var model = estimator.Fit(ToView(ml, train));
        var predictions = model.Transform(ToView(ml, test));
        var predicted = predictions.GetColumn<uint>("PredictedLabel").ToArray();
        return predicted.Where((key, i) => key == test.Labels[i] + 1).Count() / (double)test.Labels.Length;
    }

    static double NetworkAccuracy(IHost host, LabelledFeatures train, LabelledFeatures test, CasOptions options, ImageShape? shape)
    {
        int d = train.Features.Dimension, n = train.Features.Rows;
        using NoiseConditionalNetwork network = shape is null
            ? new NoiseConditionalMlp(d, train.ClassCount, new MlpOptions { HiddenSizes = options.HiddenSizes, ScaleOutputBySigma = false }, options.Seed!.Value)
            : new NoiseConditionalResNet(shape, train.ClassCount, options.ResNet, options.Seed!.Value);
        using var x = tensor(train.Features.Values, new long[] { n, d });
        using var y = tensor(train.Labels.Select(l => (long)l).ToArray());
        var shared = new TrainingOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, LearningRate = options.LearningRate, Seed = options.Seed, GradientClipNorm = null,
        };
        using (var run = new TrainingRun(network, shared, new FixedNoiseCrossEntropy(network, x, y, NetworkSigma), new TrainingRunSettings
        {
            Trainer = "CasClassifier",
            Rows = n,
            BatchOrder = BatchOrder.ShuffledBySystemRandom,
            Checkpoints = false,
            Description = "Training the CAS classifier",
            LossName = "The CAS classifier's cross-entropy",
            Remedy = "Check the generated samples for NaN or huge values.",
            Progress = options.Progress is { } progress ? progress.Report : null,
            IsCanceled = () => HostCancellation.IsCanceled(host),
            CanceledBy = "MLContext.CancelExecution() was called",
        }))
            run.Run();
        network.eval();
        using var noGrad = no_grad();
        using var testScope = NewDisposeScope();
        var testX = tensor(test.Features.Values, new long[] { test.Features.Rows, d });
        var predicted = network.forward(testX, full(test.Features.Rows, NetworkSigma)).argmax(1);
        var truth = tensor(test.Labels.Select(l => (long)l).ToArray());
        return (predicted == truth).sum().item<long>() / (double)test.Features.Rows;
    }

    // LabelledPoints already makes the Features + key Label view ML.NET's trainers read.
    static IDataView ToView(MLContext ml, LabelledFeatures set) =>
        new LabelledPoints(set.Features.Values, set.Features.Dimension, set.Labels, set.ClassCount).ToDataView(ml);
}
