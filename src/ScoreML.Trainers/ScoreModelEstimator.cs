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
/// Trains a noise-conditional score model on a fixed-size float vector column with the chosen objective (DSM, LCSS, SSM,
/// FD-SSM or exact score matching) and returns a transformer that generates samples: unconditional, or class-conditional from a
/// key label column (<see cref="ScoreModelOptions.LabelColumnName"/>, with label dropout for classifier-free guidance).
/// </summary>
public sealed class ScoreModelEstimator : IEstimator<ScoreModelTransformer>
{
    const int SigmaMaxRows = 2000;
    readonly MLContext mlContext;
    readonly ScoreModelOptions options;

    /// <param name="mlContext">The context whose log, device settings and cancellation the estimator follows.</param>
    /// <param name="options">The run's options (checked here, naming the option at fault); null for the defaults.</param>
    public ScoreModelEstimator(MLContext mlContext, ScoreModelOptions? options = null)
    {
        this.mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        this.options = options ?? new ScoreModelOptions();
        this.options.Validate();
    }

    /// <summary>The options the estimator was made with.</summary>
    public ScoreModelOptions Options => options;

    /// <summary>
    /// The shape of the fitted transformer's output on this input, the training data: its columns unchanged (data rows get no
    /// sample unless <see cref="ScoreModelOptions.GenerateForDataRows"/>, which adds the generated column); refuses an input
    /// without a fixed-size Single vector feature column.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = inputSchema.FirstOrDefault(c => c.Name == options.FeatureColumnName);
        if (column.Name is null)
            throw new ArgumentException($"The input has no column '{options.FeatureColumnName}'. Columns present: {string.Join(", ", inputSchema.Select(c => c.Name))}.", nameof(inputSchema));
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"Column '{options.FeatureColumnName}' must be a fixed-size vector of Single; it is {column.Kind} of {column.ItemType}.", nameof(inputSchema));
        if (options.LabelColumnName is string labelName)
        {
            var label = inputSchema.FirstOrDefault(c => c.Name == labelName);
            if (label.Name is null)
                throw new ArgumentException($"The input has no label column '{labelName}' (ScoreModelOptions.LabelColumnName). Columns present: " +
                    $"{string.Join(", ", inputSchema.Select(c => c.Name))}.", nameof(inputSchema));
            if (!label.IsKey)
                throw new ArgumentException($"Label column '{labelName}' (ScoreModelOptions.LabelColumnName) must be a key type; it is {label.ItemType}. Map it first, " +
                    $"e.g. mlContext.Transforms.Conversion.MapValueToKey(\"{labelName}\").", nameof(inputSchema));
        }
        if (!options.GenerateForDataRows) return inputSchema;
        // SchemaShape.Column has no public constructor; CustomMapping's estimator builds the output shape for us.
        // The vector size given here is a placeholder: a SchemaShape records only that the column is a fixed-size vector.
        var output = SchemaDefinition.Create(typeof(GeneratedRow));
        output[0].ColumnName = options.OutputColumnName;
        output[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1);
        return mlContext.Transforms.CustomMapping<NoInput, GeneratedRow>((_, _) => { }, contractName: null, outputSchemaDefinition: output)
            .GetOutputSchema(inputSchema);
    }

    /// <summary>Trains a score model on <paramref name="input"/>'s feature column and returns the transformer that samples from it.</summary>
    public ScoreModelTransformer Fit(IDataView input)
    {
        this.options.Validate();   // the options object may have changed since construction
        TrainingCheckpoint.CheckPaths(this.options.CheckpointPath, this.options.ResumeFrom);
        var host = ((IHostEnvironment)mlContext).Register(nameof(ScoreModelEstimator));
        // An unset seed follows the MLContext (drawn from its random source); the run uses a copy with the seed filled in.
        var options = this.options.WithSeedFrom<ScoreModelOptions>(host);
        int seed = options.Seed!.Value;
        using var channel = host.Start("Train score model");
        // A class-conditional model's classes are checked before any row is read (missing, not a key, too few classes).
        var keys = options.LabelColumnName is string labelColumn ? LabelKeys.FromSchema(input.Schema, labelColumn) : null;
        float[] values;
        int[]? labels = null;
        int rows, dimension;
        if (keys is null) (values, rows, dimension) = VectorColumnReader.ReadAll(input, options.FeatureColumnName);
        else (values, labels, rows, dimension) = VectorColumnReader.ReadAll(input, options.FeatureColumnName, options.LabelColumnName!);
        options.ValidateFor(dimension);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        var device = DeviceSelection.Choose(mlContext, options.Device);

        var sde = options.Sde.Create(options.Sde.Kind == SdeKind.VarianceExploding && options.Sde.SigmaMax is null
            ? DataSigmaMax(values, rows, dimension, seed) : double.NaN);
        var objective = ScoreObjective.Create(options);
        string objectiveName = options.CustomObjective?.GetType().FullName ?? options.Objective.ToString();
        // A checkpoint of an unconditional run, or of one with other classes or dropout, is another run's.
        string runName = keys is null ? objectiveName
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{objectiveName} on {keys.Count} classes of '{options.LabelColumnName}', label dropout {options.LabelDropout}");
        var shape = options.ImageShape ?? VectorColumnReader.ImageShapeOf(input.Schema, options.FeatureColumnName);
        int conditionClasses = keys?.Count ?? 0;
        NoiseConditionalNetwork network = shape is null
            ? new NoiseConditionalMlp(dimension, dimension, options.Mlp, seed, conditionClasses)
            : new NoiseConditionalUNet(shape, options.UNet, seed, conditionClasses);
        try
        {
            network.to(device);
            using var data = tensor(values, new long[] { rows, dimension }, device: device);
            using var labelTensor = labels is null ? null : tensor(labels.Select(l => (long)l).ToArray(), device: device);
            using var classes = labelTensor is null ? null : new BatchClasses(network, labelTensor, options.LabelDropout);
            using var run = new TrainingRun(network, options, new ScoreMatchingStep(network, sde, objective, data, options.WeightingExponent, classes),
                new TrainingRunSettings
                {
                    Trainer = "ScoreModel",
                    Objective = runName,
                    Rows = rows,
                    Values = values,
                    Labels = labels,
                    Device = device,
                    GeneratorSeed = (ulong)seed + 0x5C0BE,
                    LossName = $"The {objectiveName} loss",
                    Remedy = "Lower LearningRate, keep GradientClipNorm set, or check the data's scale against Sde.SigmaMin/SigmaMax.",
                    Log = message => channel.Info(MessageSensitivity.None, "{0}", message),
                    Metrics = message => channel.Trace(MessageSensitivity.None, "{0}", message),
                    Progress = options.Progress is { } progress ? progress.Report : null,
                    IsCanceled = () => HostCancellation.IsCanceled(host),
                    CanceledBy = "MLContext.CancelExecution() was called",
                });
            channel.Info(MessageSensitivity.None, "Training {0} on {1} rows of {2} values for {3} steps (batch {4}, {5}, device {6}).",
                runName, rows, dimension, run.TotalSteps, run.BatchSize, DescribeSde(sde), device);
            channel.Info(MessageSensitivity.None, "Network: {0}.", shape is null ? "MLP" : $"U-Net on {shape} images");
            var summary = run.Run();
            var model = new ScoreModel(network, sde, device, summary)
            {
                Environment = mlContext,
                Labels = keys,
                LabelDropout = keys is null ? 0 : options.LabelDropout,
            };
            return new ScoreModelTransformer(model, options.Sampler, options.OutputColumnName)
            {
                SeedColumnName = options.SeedColumnName,
                DataColumnName = options.FeatureColumnName,
                GenerateForDataRows = options.GenerateForDataRows,
            };
        }
        catch
        {
            network.Dispose();   // a stopped run returns no model; what it learned is in its checkpoint, if any
            throw;
        }
    }

    // Song and Ermon (2020), technique 1: sigma_max as large as the largest pairwise distance in the data.
    double DataSigmaMax(float[] values, int rows, int dimension, int seed)
    {
        using var scope = NewDisposeScope();
        var data = tensor(values, new long[] { rows, dimension });
        if (rows > SigmaMaxRows)
        {
            using var generator = new Generator((ulong)seed);
            data = data.index_select(0, randperm(rows, generator: generator).narrow(0, 0, SigmaMaxRows));
        }
        double distance = cdist(data, data).max().item<float>();
        if (!(distance > options.Sde.SigmaMin))
            throw new ArgumentException($"The rows of column '{options.FeatureColumnName}' lie within {distance} of each other, no more than Sde.SigmaMin " +
                $"({options.Sde.SigmaMin}); set Sde.SigmaMax explicitly.", nameof(options));
        return distance;
    }

    static string DescribeSde(StochasticDifferentialEquation sde) => sde switch
    {
        VeSde ve => $"VE sigma {ve.SigmaMin:G3}..{ve.SigmaMax:G4}",
        SubVpSde sub => $"sub-VP beta {sub.BetaMin:G3}..{sub.BetaMax:G3}",
        VpSde vp => $"VP beta {vp.BetaMin:G3}..{vp.BetaMax:G3}",
        _ => sde.GetType().Name,
    };

    sealed class NoInput { }

    sealed class GeneratedRow
    {
        public float[] Generated { get; set; } = Array.Empty<float>();
    }
}
