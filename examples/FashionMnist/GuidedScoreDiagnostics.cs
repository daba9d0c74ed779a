using ScoreML;
using ScoreML.Images;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>
/// Where a guided score is right and where it is wrong, by noise level: on real test images noised to each level, each
/// guidance classifier's accuracy and cross-entropy, and each method's conditional denoising score-matching loss
/// 0.5 sigma^2 mean |alpha g + s + z / sigma|^2 (g the classifier's likelihood score, s the prior score, z the noise). That
/// loss differs from the guided score's expected squared error to the true class-conditional score only by a constant that
/// does not depend on the model (Vincent 2011), so between methods, at one noise level, lower is closer to the score the
/// sampler needs: it is the DLSM loss itself, measured on test images, with the "none" row (g = 0) as the unguided reference.
/// The noise is the same for every method (differences are paired by image). A classifier-free method's guided score is the
/// class-conditional model's (1 + w) s(x | y) - w s(x), measured by the same loss.
/// </summary>
internal static class GuidedScoreDiagnostics
{
    /// <summary>Test images used (about 100 per class).</summary>
    public const int Images = 1000;

    /// <summary>The diffusion times measured: the classifiers are trained on t uniform over (eps, 1], so these weigh the levels as training does.</summary>
    public static readonly double[] Times = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 };

    /// <summary>The unguided reference's name in the results.</summary>
    public const string Unguided = "none";

    const int Chunk = 250;

    /// <param name="prior">The unconditional score model of classifier guidance; null when only classifier-free methods are measured
    /// (then there is no unguided reference, "none").</param>
    /// <param name="classifiers">The guidance classifiers of the classifier-guided methods.</param>
    /// <param name="conditional">The class-conditional score model of the classifier-free methods; null when there are none.</param>
    /// <param name="methods">The methods to measure.</param>
    /// <param name="test">The test images, noised to each level.</param>
    /// <param name="seed">Seeds the noise (the same for every method).</param>
    public static List<NoiseLevelResult> Measure(ScoreModel? prior, IReadOnlyDictionary<ClassifierLoss, NoiseConditionalClassifierTransformer> classifiers,
        ScoreModel? conditional, IReadOnlyList<GuidanceMethod> methods, LabelledImages test, int seed)
    {
        var sde = (prior ?? conditional ?? throw new ArgumentException("Give a score model.", nameof(prior))).Sde;
        var device = (prior ?? conditional)!.Device;
        int n = Math.Min(Images, test.Count), size = test.Shape.Size;
        var results = new List<NoiseLevelResult>();
        using var generator = new Generator((ulong)seed + 0xD1A6);
        foreach (double time in Times)
        {
            // Per-image losses of each method (and of "none") at this level, and each classifier's hits and cross-entropy.
            var names = methods.Select(m => m.Name);
            var losses = (prior is null ? names : names.Append(Unguided)).ToDictionary(name => name, _ => new double[n]);
            var correct = classifiers.Keys.ToDictionary(loss => loss, _ => 0);
            var crossEntropy = classifiers.Keys.ToDictionary(loss => loss, _ => 0.0);
            double sigma = double.NaN;
            for (int start = 0; start < n; start += Chunk)
            {
                using var scope = NewDisposeScope();
                int rows = Math.Min(Chunk, n - start);
                var x0 = tensor(test.Pixels.AsSpan(start * size, rows * size).ToArray(), new long[] { rows, size }).to(device);
                var labels = tensor(test.Labels.Skip(start).Take(rows).Select(l => (long)l).ToArray()).to(device);
                var z = randn(new long[] { rows, size }, generator: generator).to(device);
                var (noisy, stdColumn, _) = sde.Perturb(x0, full(new long[] { rows }, time, device: device), z);
                var std = stdColumn.squeeze(1);
                sigma = std[0].item<float>();
                Tensor? score = null;
                if (prior is not null)
                    using (no_grad()) score = prior.Network.forward(noisy, std);
                // The loss of prior + likelihood term; a classifier-free method's whole guided score is its "likelihood term" on a zero prior.
                void Add(string name, Tensor guided, Tensor priorScore)
                {
                    var point = DenoisingLikelihoodScoreMatching.PointLosses(guided, priorScore, z, std, weightingExponent: 1).cpu().data<float>().ToArray();
                    for (int i = 0; i < rows; i++) losses[name][start + i] = point[i];
                }
                if (score is not null) Add(Unguided, zeros_like(score), score);
                foreach (var method in methods.Where(m => m.IsClassifierFree))
                    using (no_grad())
                        Add(method.Name, ClassifierFreeGuidance.Create(conditional!, method.ClassifierFreeWeight!.Value)(noisy, full(new long[] { rows }, time, device: device), labels),
                            zeros_like(noisy));
                foreach (var (loss, transformer) in classifiers)
                {
                    var classifier = transformer.Classifier;
                    using (no_grad())
                    {
                        var logProbabilities = classifier.LogProbabilities(noisy, std);
                        correct[loss] += (int)logProbabilities.argmax(1).eq(labels).sum().item<long>();
                        crossEntropy[loss] -= logProbabilities.gather(1, labels.unsqueeze(1)).sum().item<float>();
                    }
                    var likelihood = classifier.LikelihoodScore(noisy, std, labels);
                    foreach (var method in methods.Where(m => m.Loss == loss)) Add(method.Name, likelihood * method.Scale, score!);
                }
            }
            var level = new NoiseLevelResult { Time = time, Sigma = Math.Round(sigma, 5) };
            foreach (var loss in classifiers.Keys)
            {
                string name = GuidanceMethod.ClassifierNameOf(loss);
                level.Accuracy[name] = (double)correct[loss] / n;
                level.CrossEntropy[name] = crossEntropy[loss] / n;
            }
            foreach (var (name, values) in losses)
            {
                var interval = ConfidenceInterval.AcrossRuns(values);   // over images: the sampling of these test images and noises
                level.GuidedDsm[name] = MetricValue.Of(values.Average(), interval);
                if (name != GuidanceMethod.Baseline && losses.TryGetValue(GuidanceMethod.Baseline, out var baseline))
                    level.GuidedDsmMinusBase[name] = MetricValue.Of(values.Zip(baseline, (a, b) => a - b).Average(), ConfidenceInterval.PairedDifference(values, baseline));
            }
            results.Add(level);
        }
        return results;
    }
}

/// <summary>One noise level of <see cref="GuidedScoreDiagnostics"/>, as seed-N/results.json stores it.</summary>
internal sealed class NoiseLevelResult
{
    public double Time { get; init; }
    public double Sigma { get; init; }
    /// <summary>Classifier (CE, DLSM, DLSM+CE) to its accuracy on the noised test images.</summary>
    public Dictionary<string, double> Accuracy { get; init; } = new();
    /// <summary>Classifier to its mean cross-entropy (nats) on them.</summary>
    public Dictionary<string, double> CrossEntropy { get; init; } = new();
    /// <summary>Method (and "none") to its conditional DSM loss with a 95 % interval over the images.</summary>
    public Dictionary<string, MetricValue> GuidedDsm { get; init; } = new();
    /// <summary>Method (and "none": what base's guidance gains over none) to its loss minus base's, paired by image, with a 95 % interval.</summary>
    public Dictionary<string, MetricValue> GuidedDsmMinusBase { get; init; } = new();
}
