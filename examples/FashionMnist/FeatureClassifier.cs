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
        var optimizer = optim.Adam(network.parameters(), 1e-3);
        var random = new Random(seed);
        using var x = tensor(train.Pixels, new long[] { train.Count, train.Shape.Size }, device: on);
        using var y = tensor(train.Labels.Select(l => (long)l).ToArray(), device: on);
        network.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var index = tensor(Enumerable.Range(0, batchSize).Select(_ => (long)random.Next(train.Count)).ToArray(), device: on);
            var loss = nn.functional.cross_entropy(network.forward(x.index_select(0, index), full(batchSize, (float)Sigma, device: on)), y.index_select(0, index));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if ((step + 1) % 10 == 0 || step + 1 == steps) progress?.Report((step + 1, loss.item<float>()));
        }
        network.eval();
        return new NoiseConditionalClassifier(network);
    }
}
