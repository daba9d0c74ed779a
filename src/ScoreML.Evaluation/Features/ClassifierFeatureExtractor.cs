using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// "Domain features" from a classifier trained on the real data: its penultimate layer as features and its logits for the
/// Inception Score, both at a fixed small noise level. For MNIST-like data, where an ImageNet Inception network says little,
/// the DLSM paper's practice. FIDs from it are comparable only with FIDs from the same classifier: the identity carries a
/// hash of its weights. It borrows the classifier: keep the classifier (or its transformer) undisposed while extracting;
/// a disposed one makes Extract throw an ObjectDisposedException naming NoiseConditionalClassifier.
/// </summary>
public sealed class ClassifierFeatureExtractor : IFeatureExtractor
{
    const int BatchSize = 1024;
    readonly NoiseConditionalClassifier classifier;
    readonly double sigma;

    /// <param name="classifier">A trained noise-conditional classifier (e.g. <c>NoiseConditionalClassifierTransformer.Classifier</c>).</param>
    /// <param name="sigma">The noise level to classify at (e.g. <c>NoiseConditionalClassifierTransformer.ClassificationSigma</c>).</param>
    public ClassifierFeatureExtractor(NoiseConditionalClassifier classifier, double sigma)
    {
        this.classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be positive.");
        this.sigma = sigma;
        Identity = $"classifier:{classifier.Dimension}->{classifier.ClassCount}:sigma={sigma:R}:weights={WeightsHash(classifier)}";
    }

    /// <summary>"classifier:", the classifier's input and output widths, sigma and a hash of its weights: two extractors agree only
    /// for the same weights at the same noise level.</summary>
    public string Identity { get; }
    /// <summary>"classifier": the domain features of a classifier trained on the real data.</summary>
    public string Name => "classifier";
    /// <summary>True: the classifier's logits come with the features, for the Inception Score.</summary>
    public bool ProvidesLogits => true;

    /// <summary>The classifier's penultimate features and its logits at sigma for every row, 1024 rows per call on the
    /// classifier's device; throws unless the rows hold the classifier's number of values.</summary>
    public ExtractedFeatures Extract(FeatureMatrix inputs)
    {
        if (inputs.Dimension != classifier.Dimension)
            throw new ArgumentException($"The {inputs.Name} rows hold {inputs.Dimension} values; the classifier takes {classifier.Dimension}.");
        var device = classifier.Network.parameters().First().device;
        var features = new List<float>();
        var logits = new float[inputs.Rows * classifier.ClassCount];
        int width = 0;
        using var noGrad = no_grad();
        for (int start = 0; start < inputs.Rows; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(BatchSize, inputs.Rows - start);
            var x = tensor(inputs.Values.AsSpan(start * inputs.Dimension, count * inputs.Dimension).ToArray(), new long[] { count, inputs.Dimension }).to(device);
            var s = full(count, (float)sigma, device: device);
            var hidden = classifier.Network.PenultimateFeatures(x, s).cpu();
            width = (int)hidden.shape[1];
            features.AddRange(hidden.data<float>().ToArray());
            classifier.Logits(x, s).cpu().data<float>().CopyTo(logits, start * classifier.ClassCount);
        }
        return new ExtractedFeatures(new FeatureMatrix(features.ToArray(), width, inputs.Name + " features"), logits, classifier.ClassCount);
    }

    static string WeightsHash(NoiseConditionalClassifier classifier)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();   // frees the copies, never the parameters themselves
        foreach (var p in classifier.Network.parameters())
        {
            var values = p.detach().cpu().to(ScalarType.Float32).data<float>().ToArray();
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
