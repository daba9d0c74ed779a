using ScoreML;
using ScoreML.Images;
using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>
/// The evaluation's domain-feature network: a ResNet trained with cross-entropy on the real training images at one small
/// noise level, used as a plain classifier. Its penultimate layer gives the features for FID and precision/recall/density/
/// coverage, its logits the Inception Score. It is trained apart from the guidance classifiers so that no method is judged by
/// the network that steered it.
/// </summary>
internal static class FeatureClassifier
{
    public const double Sigma = 0.01;

    public static NoiseConditionalClassifier Train(LabelledImages train, int steps, int batchSize, int seed, string? device, IProgress<(int Step, float Loss)>? progress)
    {
        var on = new Device(device ?? "cpu");
        var network = new NoiseConditionalResNet(train.Shape, train.ClassNames.Count, new ResNetOptions { BaseChannels = 16, BlocksPerStage = new[] { 2, 2, 2 } }, seed);
        network.to(on);
        using var x = tensor(train.Pixels, new long[] { train.Count, train.Shape.Size }, device: on);
        using var y = tensor(train.Labels.Select(l => (long)l).ToArray(), device: on);
        // Rows drawn with replacement, plain Adam (no clipping): the classifier the evaluation's reference features came from.
        var options = new TrainingOptions { Steps = steps, BatchSize = batchSize, LearningRate = 1e-3, Seed = seed, GradientClipNorm = null };
        using (var run = new TrainingRun(network, options, new FixedNoiseCrossEntropy(network, x, y, (float)Sigma), new TrainingRunSettings
        {
            Trainer = "FeatureClassifier",
            Rows = train.Count,
            Device = on,
            BatchOrder = BatchOrder.DrawnWithReplacement,
            Checkpoints = false,
            Description = "Training the feature classifier",
            Progress = progress is null ? null : p => progress.Report((p.Step, p.Loss)),
        }))
            run.Run();
        return new NoiseConditionalClassifier(network);
    }
}
