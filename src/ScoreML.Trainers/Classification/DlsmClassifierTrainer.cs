using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Stage 2 of DLSM (Chao et al. 2022): trains a noise-conditional classifier p(y | x', sigma) against a frozen score model,
/// with cross-entropy, the DLSM loss, or both. Noise is drawn as in stage 1: t ~ U(eps, 1), x' = m(t) x + std(t) z under
/// the score model's SDE. The score model comes from the constructor, or, in one chain, from the score-model trainer
/// placed right before this one.
/// </summary>
public sealed class DlsmClassifierTrainer : IEstimator<NoiseConditionalClassifierTransformer>
{
    readonly MLContext mlContext;
    readonly DlsmClassifierOptions options;
    readonly ScoreModel? scoreModel;

    /// <param name="scoreModel">A fitted score model, or null to take the one that made the input (chain use).</param>
    public DlsmClassifierTrainer(MLContext mlContext, DlsmClassifierOptions? options = null, ScoreModel? scoreModel = null)
    {
        this.mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        this.options = options ?? new DlsmClassifierOptions();
        this.options.Validate();
        this.scoreModel = scoreModel;
    }

    public DlsmClassifierOptions Options => options;

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

    public NoiseConditionalClassifierTransformer Fit(IDataView input)
    {
        options.Validate();
        TrainingCheckpoint.CheckPaths(options.CheckpointPath, options.ResumeFrom);
        var model = scoreModel ?? ScoreModelTransformer.ProducerOf(input)?.Model
            ?? throw new InvalidOperationException("DlsmClassifierTrainer needs the frozen score model: pass a fitted one to its constructor " +
                "(e.g. scoreModelTransformer.Model), or place it right after the score-model trainer in one chain.");
        var keys = LabelKeys.FromSchema(input.Schema, options.LabelColumnName);
        int size = VectorColumnReader.RequireFixedSizeFloatVector(input.Schema, options.FeatureColumnName);
        if (size != model.Dimension)
            throw new ArgumentException($"Column '{options.FeatureColumnName}' has {size} values per row but the score model was trained on {model.Dimension}.", nameof(input));
        var host = ((IHostEnvironment)mlContext).Register("ScoreML");
        using var channel = host.Start("Train DLSM classifier");
        var (values, labels, rows, dimension) = VectorColumnReader.ReadAll(input, options.FeatureColumnName, options.LabelColumnName);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        // The frozen score model runs inside every step, so the classifier trains where the score model lives.
        var device = model.Device;
        if (options.Device is not null && DeviceSelection.Choose(mlContext, options.Device).ToString() != device.ToString())
            throw new ArgumentException($"Device '{options.Device}' differs from the score model's device ({device}); leave Device unset to use the score model's.", nameof(options));
        int batchSize = Math.Min(options.BatchSize, rows);
        int totalSteps = ShuffledBatches.TotalSteps(options.Steps, options.Epochs, rows, batchSize);
        channel.Info(MessageSensitivity.None, "Training a {0}-class noise-conditional classifier with {1} on {2} rows of {3} values for {4} steps (batch {5}, device {6}).",
            keys.Count, options.Loss, rows, dimension, totalSteps, batchSize, device);

        var shape = options.ImageShape ?? (model.Network as NoiseConditionalUNet)?.Shape
            ?? VectorColumnReader.ImageShapeOf(input.Schema, options.FeatureColumnName);
        shape?.Validate(dimension, $"The classifier's image shape (column '{options.FeatureColumnName}')");
        NoiseConditionalNetwork network = shape is null
            ? new NoiseConditionalMlp(dimension, keys.Count, options.Network, options.Seed)
            : new NoiseConditionalResNet(shape, keys.Count, options.ResNet, options.Seed);
        channel.Info(MessageSensitivity.None, "Network: {0}.", shape is null ? "MLP" : $"ResNet on {shape} images");
        network.to(device);
        var classifier = new NoiseConditionalClassifier(network, options.SoftmaxEpsilon);
        Train(classifier, model, values, labels, rows, dimension, batchSize, totalSteps, device, host, channel);
        return new NoiseConditionalClassifierTransformer(model, classifier, keys, options.FeatureColumnName);
    }

    void Train(NoiseConditionalClassifier classifier, ScoreModel model, float[] values, int[] labelValues, int rows, int dimension,
        int batchSize, int totalSteps, Device device, IHost host, IChannel channel)
    {
        var network = classifier.Network;
        var sde = model.Sde;
        using var data = tensor(values, new long[] { rows, dimension }, device: device);
        using var labels = tensor(labelValues.Select(l => (long)l).ToArray(), device: device);
        using var generator = new Generator((ulong)options.Seed + 0xD15C, device);
        using var batches = new ShuffledBatches(rows, batchSize, generator, device);
        using var parameters = new ContiguousParameters(network);
        var weights = parameters.Parameters.ToArray<Tensor>();   // the backward's inputs, made once rather than every step
        var optimizer = optim.Adam(new[] { parameters.Values }, options.LearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon);
        bool dlsm = options.Loss != ClassifierLoss.CrossEntropy;
        double eps = sde.SamplingEpsilon;
        network.train();
        try
        {
            var state = new TrainingState(network, optimizer, ema: null, generator, batches, totalSteps);
            var run = new ResumableRun(state, () => CheckpointIdentity.Of("DlsmClassifier", options.Loss.ToString(), options.Seed, batchSize, rows,
                    totalSteps, hasEma: false, network, values, labelValues),
                options.Checkpoints, host, channel, $"The {options.Loss} loss", "Lower LearningRate or keep GradientClipNorm set.");
            var progress = new ProgressClock(totalSteps, options.ProgressInterval, run.FirstStep);
            float crossEntropy = float.NaN, dlsmTerm = float.NaN;
            run.Run(step =>
            {
                var index = batches.Indices(step);
                var x0 = data.index_select(0, index);
                var y = labels.index_select(0, index);
                var t = rand(new long[] { x0.shape[0] }, generator: generator, device: device) * (sde.T - eps) + eps;
                var z = randn(x0.shape, generator: generator, device: device);
                var (perturbed, stdColumn, _) = sde.Perturb(x0, t, z);
                var std = stdColumn.squeeze(1);
                var x = dlsm ? perturbed.detach().requires_grad_(true) : perturbed;
                var logits = classifier.Logits(x, std);
                var ce = nn.functional.cross_entropy(logits, y);
                Tensor total = ce;
                if (dlsm)
                {
                    Tensor prior;
                    using (no_grad()) prior = model.Network.forward(perturbed, std);
                    var logProbability = classifier.LogProbabilitiesOf(logits);
                    var selected = logProbability.gather(1, y.unsqueeze(1)).sum();
                    // create_graph and retain_graph both: TorchSharp does not imply the second from the first.
                    var likelihood = autograd.grad(new[] { selected }, new[] { x }, create_graph: true, retain_graph: true)[0];
                    var dlsmLoss = DenoisingLikelihoodScoreMatching.PointLosses(likelihood, prior, z, std, options.WeightingExponent).mean();
                    total = options.Loss == ClassifierLoss.Dlsm ? dlsmLoss : dlsmLoss + options.Lambda * ce;
                    dlsmTerm = dlsmLoss.item<float>();
                }
                parameters.ZeroGradients();
                // Only the weights' gradients: the noisy points require a gradient (for the likelihood score), and a plain
                // backward would also accumulate one into them that nothing reads.
                total.backward(inputs: weights);
                if (options.GradientClipNorm is double clip) nn.utils.clip_grad_norm_(parameters.Parameters, clip);
                optimizer.step();
                crossEntropy = ce.item<float>();
                return total.item<float>();
            }, (done, loss) =>
            {
                if (progress.IsReportStep(done))
                    options.Progress?.Report(new ClassifierTrainingProgress(done, totalSteps, loss, crossEntropy, dlsmTerm, progress.StepsPerSecond(done)));
                if (progress.IsLogStep(done))
                    channel.Info(MessageSensitivity.None, "Step {0}/{1}: loss {2:G5} (cross-entropy {3:G5}).", done, totalSteps, loss, crossEntropy);
                if (options.Monitor is not null && (done % options.MonitorInterval == 0 || done == totalSteps))
                {
                    network.eval();
                    options.Monitor(done, classifier);
                    network.train();
                }
            });
        }
        catch
        {
            network.Dispose();   // a stopped run returns no model; what it learned is in its checkpoint, if any
            throw;
        }
        finally
        {
            optimizer.Dispose();
        }
        network.eval();
    }

    sealed class NoInput { }

    sealed class ClassifierOutput
    {
        public float[] Score { get; set; } = Array.Empty<float>();
        public uint PredictedLabel { get; set; }
    }
}
