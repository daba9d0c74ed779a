using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// Issue 22's image-scale steps, ours, with the library's defaults on 1x28x28 images: a DSM training step of the default
/// U-Net at batch 64 (ScoreModelEstimator.Fit, EMA and gradient clipping as by default), a DLSM + CE training step of the
/// default ResNet classifier at batch 64 against the U-Net (DlsmClassifierTrainer.Fit), and a DDIM (eta 1) sampler step at
/// batch 250, unguided and DLSM-guided (the U-Net's forward, then the classifier's forward and input gradient). Each is the
/// median of the steps after a warm-up, timed inside the run that takes them: the training runs' own step clocks, the
/// sampler's step observer. benchmarks/reference/image_reference.py times the same steps in PyTorch; ImagePeers runs the
/// two alternately. Each phase's peak resident memory is read too (the peak reset as it starts, so it counts what the process
/// already holds: the models and the allocator's cached pages).
/// </summary>
internal static class ImageSteps
{
    public const int Channels = 1, Size = 28, Classes = 10, TrainBatch = 64, SampleBatch = 250, Warmup = 2;
    const int Rows = 1024;

    /// <summary>The steps Measure times (each {"median": ms, ...}), under the names the peer script uses too.</summary>
    public static readonly string[] StepKeys = { "score_ms_per_step", "dlsm_ms_per_step", "sampler_ms_per_step", "guided_ms_per_step" };

    public static Dictionary<string, object> Measure(int repeats)
    {
        var shape = new ImageShape(Channels, Size, Size);
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(RandomImages(Rows));
        var result = new Dictionary<string, object>();

        // The DSM step: Fit's own clock of every step (forward, backward, clipping, Adam, EMA).
        var scoreOptions = new ScoreModelOptions
        {
            ImageShape = shape, BatchSize = TrainBatch, Steps = Warmup + repeats, Seed = 1,
            Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = 0.01, SigmaMax = 50 },
        };
        ProcessMemory.ResetPeak();
        using var score = ml.ScoreMatching().Trainers.ScoreModel(scoreOptions).Fit(data);
        result["score_peak_mib"] = Math.Round(ProcessMemory.PeakMiB(), 0);
        result["unet_parameters"] = Parameters(score.Model.Network);
        result["score_ms_per_step"] = Spread(score.Model.Training!.StepMilliseconds.Skip(Warmup));

        // The DLSM + CE step against that U-Net: the gaps between per-step progress reports.
        var gaps = new StepGaps();
        var classifierOptions = new DlsmClassifierOptions
        {
            ImageShape = shape, BatchSize = TrainBatch, Steps = Warmup + 1 + repeats, Seed = 1, Loss = ClassifierLoss.DlsmPlusCrossEntropy,
            ProgressInterval = 1, Progress = gaps,
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label");
        var labelled = pipeline.Fit(data).Transform(data);
        ProcessMemory.ResetPeak();
        using var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, classifierOptions).Fit(labelled);
        result["dlsm_peak_mib"] = Math.Round(ProcessMemory.PeakMiB(), 0);
        result["resnet_parameters"] = Parameters(classifier.Classifier.Network);
        result["dlsm_ms_per_step"] = Spread(gaps.Milliseconds.Skip(Warmup));

        // Sampler steps at batch 250: the gaps between the step observer's calls, the last step (no noise) left out.
        SamplerOptions Ddim(StepGaps observer) => new()
        {
            Kind = SamplerKind.Ddim, Eta = 1, Evaluations = Warmup + repeats + 2, BatchSize = SampleBatch, Seed = 1,
            StepObserver = (_, _) => observer.Tick(),
        };
        var unguided = new StepGaps();
        ProcessMemory.ResetPeak();
        score.WithSampler(Ddim(unguided)).Generate(SampleBatch);
        result["sampler_peak_mib"] = Math.Round(ProcessMemory.PeakMiB(), 0);
        result["sampler_ms_per_step"] = Spread(unguided.Milliseconds.Skip(Warmup).Take(repeats));
        var guided = new StepGaps();
        int[] classes = Enumerable.Range(0, SampleBatch).Select(i => i % Classes).ToArray();
        ProcessMemory.ResetPeak();
        using (var sampler = classifier.CreateSampler(new ConditionalSamplerOptions { Sampler = Ddim(guided) }))
            sampler.Generate(classes);
        result["guided_peak_mib"] = Math.Round(ProcessMemory.PeakMiB(), 0);
        result["guided_ms_per_step"] = Spread(guided.Milliseconds.Skip(Warmup).Take(repeats));
        result["threads"] = get_num_threads();
        AddFloors(result, shape, repeats);
        return result;
    }

    /// <summary>Each step's FLOPs and floor (StepFloors), with the two rates measured here, now.</summary>
    static void AddFloors(Dictionary<string, object> result, ImageShape shape, int repeats)
    {
        StepFloors.ForwardFlops Count(Func<NoiseConditionalNetwork> create, int rows)
        {
            using var network = create();   // a fresh copy: the counting hooks stay off the timed networks
            return StepFloors.Count(network, rows, shape.Size);
        }
        NoiseConditionalNetwork UNet() => new NoiseConditionalUNet(shape, new UNetOptions(), seed: 1);
        NoiseConditionalNetwork ResNet() => new NoiseConditionalResNet(shape, Classes, new ResNetOptions(), seed: 1);
        var steps = StepFloors.Steps(Count(UNet, TrainBatch), Count(ResNet, TrainBatch), Count(UNet, SampleBatch), Count(ResNet, SampleBatch));
        double sgemm = HardwareCeiling.MatrixProductGflops(2048, repeats);
        var (convolution, byShape) = StepFloors.ConvolutionRate(repeats);
        result["sgemm_2048_gflops"] = Math.Round(sgemm, 1);
        result["conv3x3_gflops"] = convolution;
        result["conv3x3_gflops_by_shape"] = byShape;
        foreach (var (step, flops) in steps)
        {
            result[$"{step}_conv_gflop"] = Math.Round(flops.Convolution / 1e9, 3);
            result[$"{step}_matmul_gflop"] = Math.Round(flops.MatrixProduct / 1e9, 3);
            result[$"{step}_floor_ms"] = Math.Round(flops.Convolution / convolution / 1e6 + flops.MatrixProduct / sgemm / 1e6, 2);
        }
    }

    /// <summary>
    /// Issue 22's flat-memory check: resident memory over <paramref name="steps"/> DSM training steps of the default U-Net at
    /// batch 64 (Fit with its defaults, as the DSM step above), read at a tenth, half and the end.
    /// </summary>
    public static Dictionary<string, object> UNetMemory(int steps)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(RandomImages(Rows));
        var options = new ScoreModelOptions
        {
            ImageShape = new ImageShape(Channels, Size, Size), BatchSize = TrainBatch, Steps = steps, Seed = 1,
            Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = 0.01, SigmaMax = 50 },
        };
        return TrainingBenchmarks.MemoryReadings("unet_mem", steps, options, () => ml.ScoreMatching().Trainers.ScoreModel(options).Fit(data));
    }

    /// <summary>
    /// ResNet-18 features (ML.NET's ResNet18.onnx through ONNX Runtime, as the evaluator extracts them) of
    /// <paramref name="images"/> random 1x28x28 images, after a warm-up of 16.
    /// </summary>
    public static Dictionary<string, object> Features(int images, int batchSize)
    {
        var shape = new ImageShape(Channels, Size, Size);
        var random = new Random(1);
        var values = new float[(long)images * shape.Size];
        for (long i = 0; i < values.LongLength; i++) values[i] = random.NextSingle();
        using var extractor = ResNet18Features.Create(shape, batchSize);
        extractor.Extract(new FeatureMatrix(values[..(16 * shape.Size)], shape.Size, "warm-up"));
        // The first features of a mid-grey image: the peer prints the same four, a check that both run the same network.
        var probe = extractor.Extract(new FeatureMatrix(Enumerable.Repeat(0.5f, shape.Size).ToArray(), shape.Size, "probe")).Features;
        var clock = Stopwatch.StartNew();
        var features = extractor.Extract(new FeatureMatrix(values, shape.Size, "images"));
        double seconds = clock.Elapsed.TotalSeconds;
        return new Dictionary<string, object>
        {
            ["features_images"] = images,
            ["features_width"] = features.Features.Dimension,
            ["features_batch"] = batchSize,
            ["features_probe"] = Enumerable.Range(0, 4).Select(j => Math.Round(probe.Values[j], 4)).ToArray(),
            ["features_s"] = Math.Round(seconds, 2),
        };
    }

    static long Parameters(nn.Module network) => network.parameters().Sum(p => p.numel());

    /// <summary>Median, min, max and every value, as the peer script reports them.</summary>
    internal static Dictionary<string, object> Spread(IEnumerable<double> milliseconds)
    {
        var runs = milliseconds.Select(m => Math.Round(m, 2)).ToArray();
        if (runs.Length == 0) throw new InvalidOperationException("No timed steps.");
        return new Dictionary<string, object> { ["median"] = Math.Round(Median(runs), 2), ["min"] = runs.Min(), ["max"] = runs.Max(), ["runs"] = runs };
    }

    /// <summary>The middle value, or the mean of the two middle values.</summary>
    internal static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    static IEnumerable<ImageRow> RandomImages(int rows)
    {
        var random = new Random(1);
        for (int i = 0; i < rows; i++)
            yield return new ImageRow { Features = Enumerable.Range(0, Channels * Size * Size).Select(_ => random.NextSingle()).ToArray(), Label = i % Classes };
    }

    sealed class ImageRow
    {
        [VectorType(Channels * Size * Size)] public float[] Features { get; set; } = Array.Empty<float>();
        public int Label { get; set; }
    }

    /// <summary>The time between consecutive calls: one per step, whether from a training run's progress or a sampler's observer.</summary>
    sealed class StepGaps : IProgress<ClassifierTrainingProgress>
    {
        readonly Stopwatch clock = Stopwatch.StartNew();
        double? last;

        public List<double> Milliseconds { get; } = new();

        public void Tick()
        {
            double now = clock.Elapsed.TotalMilliseconds;
            if (last is double previous) Milliseconds.Add(now - previous);
            last = now;
        }

        public void Report(ClassifierTrainingProgress value) => Tick();
    }
}
