using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using ScoreML.Evaluation.Metrics;
using ScoreML.Images;
using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests.Training;

/// <summary>
/// Every training loop's losses and final weights, to the bit, against fingerprints recorded before the loops were moved onto
/// one training core (TrainingFingerprints.json). libtorch's float32 kernels differ between CPU kinds (AVX2 against AVX-512),
/// so each name holds one fingerprint per CPU kind it was recorded on, and bit-identity is checked against this CPU's. On a
/// kind with no record the first loss (before any update) must agree to 1e-3 with another kind's and the test reports
/// Inconclusive: later losses are not comparable across kinds, because Adam's first step is about lr times the sign of each
/// gradient, so last-bit differences in near-zero gradients become whole steps (2% of the loss after one step of the
/// feature classifier between family-25 and family-26 EPYCs, whose gradients both match float64). To record this CPU's:
/// SCOREML_RECORD_FINGERPRINTS=path/to/TrainingFingerprints.json.
/// </summary>
[TestClass]
public sealed class TrainingFingerprintTests
{
    static readonly MLContext Ml = new(0);

    static IEnumerable<object[]> Runs() => RunNames.Select(name => new object[] { name });

    static readonly string[] RunNames =
    {
        "score-dsm-ve-mlp", "score-ssm-vp-mlp", "score-lcss-subvp-mlp", "score-dsm-unet",
        "classifier-dlsm-ce-mlp", "classifier-ce-resnet", "classifier-dlsm-resnet", "cas-network-mlp", "feature-classifier-resnet",
    };

    [TestMethod]
    [DynamicData(nameof(Runs))]
    public void TrainingIsBitIdenticalToTheRecordedRun(string name)
    {
        var actual = Run(name);
        string? record = Environment.GetEnvironmentVariable("SCOREML_RECORD_FINGERPRINTS");
        if (record is not null)
        {
            Record(record, name, actual);
            Assert.Inconclusive($"Recorded fingerprint '{name}' into {record}.");
        }
        var all = JsonSerializer.Deserialize<Dictionary<string, Fingerprint[]>>(File.ReadAllText(FingerprintFile))!;
        Assert.IsTrue(all.TryGetValue(name, out var recorded) && recorded.Length > 0, $"No recorded fingerprint '{name}'.");
        if (recorded.FirstOrDefault(f => f.Cpu == actual.Cpu) is Fingerprint expected)
        {
            Assert.HasCount(expected.Losses.Length, actual.Losses);
            CollectionAssert.AreEqual(expected.Losses, actual.Losses, $"{name}: losses differ from the run recorded on this CPU kind ({expected.Cpu}).");
            Assert.AreEqual(expected.Weights, actual.Weights, $"{name}: final weights differ from the run recorded on this CPU kind ({expected.Cpu}).");
        }
        else
        {
            var other = recorded[0];
            Assert.HasCount(other.Losses.Length, actual.Losses);
            float e = BitConverter.Int32BitsToSingle(other.Losses[0]), a = BitConverter.Int32BitsToSingle(actual.Losses[0]);
            Assert.IsLessThanOrEqualTo(1e-3 * Math.Max(1, Math.Abs(e)), Math.Abs(e - a), $"{name}: the first loss is {a}, recorded {e} (on {other.Cpu}).");
            Assert.Inconclusive($"The first loss agrees to 1e-3 with the run recorded on '{other.Cpu}'; no fingerprint was recorded on this CPU kind, " +
                $"'{actual.Cpu}' (record one with SCOREML_RECORD_FINGERPRINTS).");
        }
    }

    public sealed record Fingerprint(string Cpu, int[] Losses, string Weights);

    static string FingerprintFile => Path.Combine(AppContext.BaseDirectory, "Training", "TrainingFingerprints.json");

    static void Record(string path, string name, Fingerprint fingerprint)
    {
        lock (typeof(TrainingFingerprintTests))
        {
            var all = File.Exists(path) ? JsonSerializer.Deserialize<SortedDictionary<string, Fingerprint[]>>(File.ReadAllText(path))! : new();
            var others = all.TryGetValue(name, out var existing) ? existing.Where(f => f.Cpu != fingerprint.Cpu) : Enumerable.Empty<Fingerprint>();
            all[name] = others.Append(fingerprint).ToArray();
            File.WriteAllText(path, JsonSerializer.Serialize(all, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }

    /// <summary>
    /// The vendor, family, model and AVX-512 support: what decides which of libtorch's kernels run. The model is part of it
    /// because one family spans CPUs whose kernels differ (Intel's family 6 holds every Xeon from Skylake to Emerald Rapids).
    /// </summary>
    static string CpuKind()
    {
        var lines = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList() : new List<string>();
        string Field(string key) => lines.Select(l => l.Split(':', 2)).FirstOrDefault(kv => kv.Length == 2 && kv[0].Trim() == key)?[1].Trim() ?? "?";
        bool avx512 = Field("flags").Split(' ').Contains("avx512f");
        return $"{Field("vendor_id")} family {Field("cpu family")} model {Field("model")} {(avx512 ? "avx512" : "no-avx512")}";
    }

    static Fingerprint Of(IEnumerable<float> losses, nn.Module network) =>
        new(CpuKind(), losses.Select(BitConverter.SingleToInt32Bits).ToArray(), WeightsHash(network));

    static Fingerprint Of(double accuracy, nn.Module network) =>
        new(CpuKind(), new[] { BitConverter.SingleToInt32Bits((float)accuracy) }, WeightsHash(network));

    static string WeightsHash(nn.Module network)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in network.state_dict())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
            using var cpu = value.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    static Fingerprint Run(string name)
    {
        var moons = Ml.ScoreMatching().Data.TwoMoons(300, seed: 1);
        var mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 } };
        ScoreModelTransformer Score(ScoreModelOptions options, IDataView data) => Ml.ScoreMatching().Trainers.ScoreModel(options).Fit(data);
        switch (name)
        {
            case "score-dsm-ve-mlp":
            {
                using var model = Score(new ScoreModelOptions { Steps = 40, BatchSize = 64, LearningRate = 3e-3, WarmupSteps = 10, EmaDecay = 0.99, Seed = 5, Mlp = mlp }, moons);
                return Of(model.Model.Training!.Losses, model.Model.Network);
            }
            case "score-ssm-vp-mlp":
            {
                using var model = Score(new ScoreModelOptions
                {
                    Objective = Objective.Ssm, Sde = new SdeOptions { Kind = SdeKind.VariancePreserving }, Steps = 25, BatchSize = 50,
                    EmaDecay = null, GradientClipNorm = null, WeightDecay = 1e-4, Seed = 6, Mlp = mlp,
                }, moons);
                return Of(model.Model.Training!.Losses, model.Model.Network);
            }
            case "score-lcss-subvp-mlp":
            {
                using var model = Score(new ScoreModelOptions
                {
                    Objective = Objective.Lcss, Sde = new SdeOptions { Kind = SdeKind.SubVariancePreserving }, Epochs = 3, BatchSize = 128,
                    WeightingExponent = 0.5, Seed = 7, Mlp = mlp,
                }, moons);
                return Of(model.Model.Training!.Losses, model.Model.Network);
            }
            case "score-dsm-unet":
            {
                using var model = Score(new ScoreModelOptions
                {
                    Steps = 4, BatchSize = 8, Seed = 8, ImageShape = new ImageShape(1, 8, 8),
                    UNet = new UNetOptions { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 } },
                }, TestData.Vectors(Ml, Pixels(24, 64, seed: 9), 64));
                return Of(model.Model.Training!.Losses, model.Model.Network);
            }
            case "classifier-dlsm-ce-mlp":
            case "classifier-ce-resnet":
            case "classifier-dlsm-resnet":
            {
                bool image = name.EndsWith("resnet");
                var data = image ? Images(24, seed: 10).ToDataView(Ml) : moons;
                using var prior = image
                    ? Score(new ScoreModelOptions { Steps = 2, BatchSize = 8, Seed = 11, ImageShape = new ImageShape(1, 8, 8),
                        UNet = new UNetOptions { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 } } }, data)
                    : Score(new ScoreModelOptions { Steps = 20, BatchSize = 64, Seed = 12, Mlp = mlp }, data);
                var losses = new List<float>();
                var options = new DlsmClassifierOptions
                {
                    Loss = name.Contains("dlsm-ce") ? ClassifierLoss.DlsmPlusCrossEntropy : name.Contains("dlsm") ? ClassifierLoss.Dlsm : ClassifierLoss.CrossEntropy,
                    Steps = image ? 3 : 30, BatchSize = image ? 8 : 64, LearningRate = 3e-3, Seed = 13,
                    Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 }, ScaleOutputBySigma = false },
                    ResNet = new ResNetOptions { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 }, NoiseEmbeddingWidth = 16 },
                    ProgressInterval = 1,
                    Progress = new SynchronousProgress<ClassifierTrainingProgress>(p => losses.Add(p.Loss)),
                };
                using var classifier = Ml.ScoreMatching().Trainers.DlsmClassifier(prior.Model, options).Fit(data);
                return Of(losses, classifier.Classifier.Network);
            }
            case "cas-network-mlp":
            {
                var generated = Labelled(400, seed: 14);
                var test = Labelled(300, seed: 15);
                double accuracy = ClassificationAccuracyScore.Compute(Ml, generated, test,
                    new CasOptions { Classifier = CasClassifier.Network, HiddenSizes = new[] { 16 }, Epochs = 3, BatchSize = 64, Seed = 16 });
                // The CAS network is not returned; its accuracy on 300 noisy rows stands for it.
                return new(CpuKind(), new[] { BitConverter.SingleToInt32Bits((float)accuracy) }, "");
            }
            case "feature-classifier-resnet":
            {
                var losses = new List<float>();
                var classifier = FashionMnist.FeatureClassifier.Train(Images(40, seed: 17), steps: 20, batchSize: 8, seed: 18, device: null,
                    new SynchronousProgress<(int Step, float Loss)>(p => losses.Add(p.Loss)));
                using var network = classifier.Network;
                return Of(losses, network);
            }
            default: throw new ArgumentException(name);
        }
    }

    static float[] Pixels(int rows, int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * size).Select(_ => (float)random.NextDouble()).ToArray();
    }

    static LabelledImages Images(int rows, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, rows).Select(i => i % 2).ToArray();
        // Class 1 is brighter, so the classifiers have something to learn.
        var pixels = Enumerable.Range(0, rows * 64).Select(i => (float)(random.NextDouble() * 0.7 + 0.3 * labels[i / 64])).ToArray();
        return new LabelledImages(pixels, labels, new ImageShape(1, 8, 8), new[] { "dark", "bright" });
    }

    static LabelledFeatures Labelled(int rows, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, rows).Select(i => i % 3).ToArray();
        var values = Enumerable.Range(0, rows * 4).Select(i => (float)(random.NextDouble() * 2 - 1 + 0.4 * (labels[i / 4] - 1) * (i % 4 == 0 ? 1 : 0))).ToArray();
        return new LabelledFeatures(new FeatureMatrix(values, 4), labels, 3);
    }

    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
