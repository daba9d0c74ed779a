using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Objectives;
using ScoreML.Runtime;
using ScoreML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Stage 2 of DLSM (Chao et al. 2022): trains a noise-conditional classifier p(y | x', sigma) against a frozen prior score
/// model, with cross-entropy, the DLSM loss, both, or a <see cref="ClassifierObjective"/> of your own. Noise is drawn as in
/// stage 1: t ~ U(eps, 1), x' = m(t) x + std(t) z under the score model's SDE. The prior is given explicitly: the fitted
/// <see cref="ScoreModelTransformer"/> (or its <see cref="ScoreModelTransformer.Model"/>, or a loaded <see cref="ScoreModel"/>),
/// so any transform may stand between the score model and this trainer.
/// </summary>
public sealed class DlsmClassifierTrainer : IEstimator<NoiseConditionalClassifierTransformer>
{
    readonly MLContext mlContext;
    readonly DlsmClassifierOptions options;
    readonly ScoreModel prior;

    /// <param name="mlContext">The context whose log, device settings and cancellation the trainer follows.</param>
    /// <param name="prior">The frozen prior score model the classifier is trained against (e.g. scoreModelTransformer.Model).</param>
    /// <param name="options">The classifier's options; null for the defaults.</param>
    public DlsmClassifierTrainer(MLContext mlContext, ScoreModel prior, DlsmClassifierOptions? options = null)
    {
        this.mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        this.prior = prior ?? throw MissingPrior();
        this.options = options ?? new DlsmClassifierOptions();
        this.options.Validate();
    }

    /// <param name="mlContext">The context whose log, device settings and cancellation the trainer follows.</param>
    /// <param name="options">The classifier's options; null for the defaults.</param>
    /// <param name="scoreModel">The prior score model; it is required (the lookup of the score model that made the input is gone).</param>
    [Obsolete("Pass the prior score model first: new DlsmClassifierTrainer(mlContext, prior, options), prior being the fitted ScoreModelTransformer's Model or a loaded ScoreModel.")]
    public DlsmClassifierTrainer(MLContext mlContext, DlsmClassifierOptions? options = null, ScoreModel? scoreModel = null)
        : this(mlContext, scoreModel!, options)
    {
    }

    /// <summary>The options the trainer was made with.</summary>
    public DlsmClassifierOptions Options => options;

    /// <summary>The frozen prior score model the classifier is trained against.</summary>
    public ScoreModel Prior => prior;

    internal static ArgumentNullException MissingPrior() => new("prior",
        "DlsmClassifierTrainer needs its prior score model, the frozen score model the classifier is trained against: pass the fitted " +
        "score-model transformer (or its Model, or a loaded ScoreModel), e.g. mlContext.ScoreMatching().Trainers.DlsmClassifier(scoreModelTransformer, options).");

    /// <summary>The input's shape plus the Score and PredictedLabel columns; refuses an input without the feature column or a key label.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = inputSchema.FirstOrDefault(c => c.Name == options.FeatureColumnName);
        if (features.Name is null)
            throw new ArgumentException($"The input has no column '{options.FeatureColumnName}'.", nameof(inputSchema));
        var label = inputSchema.FirstOrDefault(c => c.Name == options.LabelColumnName);
        if (label.Name is null)
            throw new ArgumentException($"The input has no label column '{options.LabelColumnName}'.", nameof(inputSchema));
        if (!label.IsKey)
            throw new ArgumentException($"Label column '{options.LabelColumnName}' must be a key type; map it first with MapValueToKey.", nameof(inputSchema));
        // SchemaShape.Column has no public constructor; CustomMapping's estimator builds the output shape for us.
        // The sizes given here are placeholders: a SchemaShape records only vector-ness and key-ness.
        var output = SchemaDefinition.Create(typeof(ClassifierOutput));
        output[nameof(ClassifierOutput.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        output[nameof(ClassifierOutput.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), 2);
        return mlContext.Transforms.CustomMapping<NoInput, ClassifierOutput>((_, _) => { }, contractName: null, outputSchemaDefinition: output)
            .GetOutputSchema(inputSchema);
    }

    /// <summary>Trains a classifier on <paramref name="input"/>'s feature and key label columns against the prior score model.</summary>
    public NoiseConditionalClassifierTransformer Fit(IDataView input)
    {
        this.options.Validate();
        TrainingCheckpoint.CheckPaths(this.options.CheckpointPath, this.options.ResumeFrom);
        var model = prior;
        var keys = LabelKeys.FromSchema(input.Schema, this.options.LabelColumnName);
        int size = VectorColumnReader.RequireFixedSizeFloatVector(input.Schema, this.options.FeatureColumnName);
        if (size != model.Dimension)
            throw new ArgumentException($"Column '{this.options.FeatureColumnName}' has {size} values per row but the score model was trained on {model.Dimension}.", nameof(input));
        // A class-conditional prior: the DLSM loss and classifier guidance use its unconditional score, and the guidance that may
        // combine both (classifier-free and classifier) needs the two to name the same classes.
        model.RequireUnconditionalScore("Training a classifier against it");
        if (model.IsConditional && model.Labels!.Count != keys.Count)
            throw new ArgumentException($"Label column '{this.options.LabelColumnName}' has {keys.Count} classes but the class-conditional score model was trained on " +
                $"{model.Labels.Count}; the classifier must name the same classes.", nameof(input));
        var host = ((IHostEnvironment)mlContext).Register(nameof(DlsmClassifierTrainer));
        // An unset seed follows the MLContext (drawn from its random source); the run uses a copy with the seed filled in.
        var options = this.options.WithSeedFrom<DlsmClassifierOptions>(host);
        int seed = options.Seed!.Value;
        using var channel = host.Start("Train DLSM classifier");
        var (values, labels, rows, dimension) = VectorColumnReader.ReadAll(input, options.FeatureColumnName, options.LabelColumnName);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        // The frozen score model runs inside every step, so the classifier trains where the score model lives.
        var device = model.Device;
        if (options.Device is not null && DeviceSelection.Choose(mlContext, options.Device).ToString() != device.ToString())
            throw new ArgumentException($"Device '{options.Device}' differs from the score model's device ({device}); leave Device unset to use the score model's.", nameof(options));
        var objective = ClassifierObjective.Create(options);
        string lossName = options.CustomLoss?.GetType().FullName ?? options.Loss.ToString();

        var shape = options.ImageShape ?? (model.Network as NoiseConditionalUNet)?.Shape
            ?? VectorColumnReader.ImageShapeOf(input.Schema, options.FeatureColumnName);
        shape?.Validate(dimension, $"The classifier's image shape (column '{options.FeatureColumnName}')");
        NoiseConditionalNetwork network = shape is null
            ? new NoiseConditionalMlp(dimension, keys.Count, options.Mlp, seed)
            : new NoiseConditionalResNet(shape, keys.Count, options.ResNet, seed);
        try
        {
            network.to(device);
            var classifier = new NoiseConditionalClassifier(network, options.SoftmaxEpsilon);
            using var data = tensor(values, new long[] { rows, dimension }, device: device);
            using var labelTensor = tensor(labels.Select(l => (long)l).ToArray(), device: device);
            int totalSteps = 0;   // known once the run is made
            var step = new ClassifierTrainingStep(classifier, model, objective, data, labelTensor, options.Monitor is null ? null : done =>
            {
                if (done % options.MonitorInterval != 0 && done != totalSteps) return;
                network.eval();
                options.Monitor(done, classifier);
                network.train();
            });
            using var run = new TrainingRun(network, options, step, new TrainingRunSettings
            {
                Trainer = "DlsmClassifier",
                Objective = lossName,
                Rows = rows,
                Values = values,
                Labels = labels,
                Device = device,
                GeneratorSeed = (ulong)seed + 0xD15C,
                LossName = $"The {lossName} loss",
                Remedy = "Lower LearningRate or keep GradientClipNorm set.",
                Log = message => channel.Info(MessageSensitivity.None, "{0}", message),
                Metrics = message => channel.Trace(MessageSensitivity.None, "{0}", message),
                Progress = options.Progress is not { } progress ? null : p => progress.Report(
                    new ClassifierTrainingProgress(p.Step, p.TotalSteps, p.Loss, step.CrossEntropy, step.Dlsm, p.StepsPerSecond)
                        { Elapsed = p.Elapsed, Remaining = p.Remaining }),
                IsCanceled = () => HostCancellation.IsCanceled(host),
                CanceledBy = "MLContext.CancelExecution() was called",
            });
            totalSteps = run.TotalSteps;
            channel.Info(MessageSensitivity.None, "Training a {0}-class noise-conditional classifier with {1} on {2} rows of {3} values for {4} steps (batch {5}, device {6}).",
                keys.Count, lossName, rows, dimension, run.TotalSteps, run.BatchSize, device);
            channel.Info(MessageSensitivity.None, "Network: {0}.", shape is null ? "MLP" : $"ResNet on {shape} images");
            run.Run();
            return new NoiseConditionalClassifierTransformer(model, classifier, keys, options.FeatureColumnName);
        }
        catch
        {
            network.Dispose();   // a stopped run returns no model; what it learned is in its checkpoint, if any
            throw;
        }
    }

    sealed class NoInput { }

    sealed class ClassifierOutput
    {
        public float[] Score { get; set; } = Array.Empty<float>();
        public uint PredictedLabel { get; set; }
    }
}
