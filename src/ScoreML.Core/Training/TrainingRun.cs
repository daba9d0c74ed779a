using System.Globalization;
using ScoreML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// One training run of a network: the loop every ScoreML trainer runs on. It owns the batches (<see cref="BatchOrder"/>), Adam
/// over the network's trainable parameters (kept in one contiguous buffer, so the optimiser and the weight average touch one
/// tensor per step), the learning-rate warm-up, gradient clipping, the exponential moving average of the weights, the stop on
/// a non-finite loss, checkpoints and resuming, progress reports with elapsed time and an estimate of the time left, and
/// cancellation. The trainer adds only its loss on a batch, through an <see cref="ITrainingStep"/>. It uses no ML.NET type:
/// the ML.NET trainers connect its log, progress and cancellation callbacks (<see cref="TrainingRunSettings"/>) to their host.
/// </summary>
/// <remarks>
/// Each step: the batch's rows are chosen, the step's <see cref="ITrainingStep.Loss"/> is computed, the gradients are zeroed
/// and the loss backpropagated to the weights only, the learning rate warmed up, the gradient norm clipped, Adam steps and
/// the average is updated. The same options, seed and data give the same losses and weights bit for bit on the CPU, and a
/// run resumed from a checkpoint continues bit for bit as if it had not stopped.
/// </remarks>
public sealed class TrainingRun : IDisposable
{
    readonly nn.Module network;
    readonly TrainingOptions options;
    readonly ITrainingStep step;
    readonly TrainingRunSettings settings;
    readonly Generator generator;
    readonly ContiguousParameters parameters;
    readonly Tensor[] weights;
    readonly Adam optimizer;
    readonly ExponentialMovingAverage? ema;
    readonly IBatchSource batches;
    readonly int seed;

    /// <param name="network">Trained in place; its trainable parameters move into one buffer (it computes exactly as before).</param>
    /// <param name="options">The shared options (checked here, naming the option at fault).</param>
    /// <param name="step">The trainer's loss on a batch.</param>
    /// <param name="settings">What the trainer tells the run besides the options.</param>
    public TrainingRun(nn.Module network, TrainingOptions options, ITrainingStep step, TrainingRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(settings);
        options.Validate();
        OptionChecks.InRange(settings.Rows, "TrainingRunSettings.Rows", 1, int.MaxValue);
        OptionChecks.Defined(settings.BatchOrder, "TrainingRunSettings.BatchOrder");
        if (options.CheckpointPath is not null || options.ResumeFrom is not null)
        {
            string option = options.CheckpointPath is not null ? nameof(options.CheckpointPath) : nameof(options.ResumeFrom);
            if (!settings.Checkpoints)
                throw new ArgumentException($"{option}: {settings.Trainer} takes no checkpoints; leave CheckpointPath and ResumeFrom unset.", option);
            if (settings.BatchOrder != BatchOrder.Shuffled)
                throw new ArgumentException($"{option}: a run whose batches System.Random chooses ({settings.BatchOrder}) cannot be checkpointed; " +
                    "use BatchOrder.Shuffled.", option);
            TrainingCheckpoint.CheckPaths(options.CheckpointPath, options.ResumeFrom);
        }
        bool drawn = settings.BatchOrder == BatchOrder.DrawnWithReplacement;
        if (drawn && options.Epochs is not null)
            throw new ArgumentException("Epochs: batches drawn with replacement have no epochs; give Steps.", nameof(options.Epochs));
        BatchSize = drawn ? options.BatchSize : Math.Min(options.BatchSize, settings.Rows);
        TotalSteps = ShuffledBatches.TotalSteps(options.Steps, options.Epochs, settings.Rows, BatchSize);

        this.network = network;
        this.options = options;
        this.step = step;
        this.settings = settings;
        seed = options.Seed ?? TrainingOptions.DefaultSeed;
        var device = settings.Device;
        generator = new Generator(settings.GeneratorSeed ?? (ulong)seed, device);
        parameters = new ContiguousParameters(network);
        weights = parameters.Parameters.ToArray<Tensor>();   // the backward's inputs, made once rather than every step
        optimizer = optim.Adam(new[] { parameters.Values }, options.LearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon,
            options.WeightDecay);
        ema = options.EmaDecay is double decay ? new ExponentialMovingAverage(parameters, decay) : null;
        batches = settings.BatchOrder == BatchOrder.Shuffled
            ? new ShuffledBatches(settings.Rows, BatchSize, generator, device)
            : new SystemRandomBatches(settings.BatchOrder, seed, settings.Rows, BatchSize, device);
    }

    /// <summary>The steps the run takes: Steps, or Epochs of batches, or 5000.</summary>
    public int TotalSteps { get; }

    /// <summary>Rows per step: BatchSize, capped at the number of rows unless batches are drawn with replacement.</summary>
    public int BatchSize { get; }

    /// <summary>The run's seeded generator, also given to every step as <see cref="TrainingBatch.Generator"/>.</summary>
    public Generator Generator => generator;

    /// <summary>
    /// Trains: resumes from ResumeFrom if set, runs the remaining steps, and at the end copies the weight average (if any) into
    /// the network and puts it in evaluation mode.
    /// </summary>
    /// <returns>The loss and wall time of every step (a resumed run's earlier steps come from its checkpoint).</returns>
    /// <exception cref="TrainingCanceledException">Canceled; the run's state is in the checkpoint the exception names.</exception>
    /// <exception cref="InvalidOperationException">The loss or a weight became NaN or infinite.</exception>
    public TrainingSummary Run()
    {
        network.train();
        var state = new TrainingState(network, optimizer, ema, generator, batches, step, TotalSteps);
        var run = new ResumableRun(state, () => CheckpointIdentity.Of(settings.Trainer, settings.Objective, seed, BatchSize, settings.Rows,
            TotalSteps, ema is not null, network, settings.Values ?? Array.Empty<float>(), settings.Labels), options, settings);
        var clock = new ProgressClock(TotalSteps, options.ProgressInterval, run.FirstStep);
        run.Run(Step, (done, loss) =>
        {
            if (clock.IsReportStep(done) && (settings.Progress is not null || settings.Metrics is not null))
            {
                var report = new TrainingProgress(done, TotalSteps, loss, clock.StepsPerSecond(done))
                    { Elapsed = clock.Elapsed, Remaining = clock.Remaining(done), Terms = step.Terms };
                settings.Progress?.Invoke(report);
                settings.Metrics?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"Step {done}/{TotalSteps}: loss {loss:G5}{DescribeTerms(step.Terms)}, {report.StepsPerSecond:F1} steps/s."));
            }
            if (clock.IsLogStep(done) && settings.Log is { } log)
                log(string.Create(CultureInfo.InvariantCulture, $"Step {done}/{TotalSteps}: loss {loss:G5}{DescribeTerms(step.Terms)}; " +
                    $"{Describe(clock.Elapsed)} elapsed, about {Describe(clock.Remaining(done))} left."));
            step.StepCompleted(done);
        });
        ema?.CopyToModule();
        network.eval();
        return new TrainingSummary(state.Losses, state.StepMilliseconds);
    }

    float Step(int index)
    {
        var loss = step.Loss(new TrainingBatch { Step = index, Indices = batches.Indices(index), Generator = generator, Device = settings.Device });
        parameters.ZeroGradients();
        // Only the weights' gradients: a loss may make points that require a gradient (for a score or a likelihood score),
        // and a plain backward would also accumulate one into them that nothing reads.
        loss.backward(inputs: weights);
        if (options.WarmupSteps > 0)
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = options.LearningRate * Math.Min(1.0, (index + 1.0) / options.WarmupSteps);
        if (options.GradientClipNorm is double clip) nn.utils.clip_grad_norm_(parameters.Parameters, clip);
        optimizer.step();
        ema?.Update();
        return loss.item<float>();
    }

    static string DescribeTerms(IReadOnlyList<KeyValuePair<string, float>> terms) =>
        terms.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ({string.Join(", ", terms.Select(t => $"{t.Key} {t.Value:G5}"))})");

    static string Describe(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");

    /// <summary>Frees the optimiser state, the weight average, the gradient buffer and the generator; the network stays usable.</summary>
    public void Dispose()
    {
        optimizer.Dispose();
        ema?.Dispose();
        batches.Dispose();
        parameters.Dispose();
        generator.Dispose();
    }
}
