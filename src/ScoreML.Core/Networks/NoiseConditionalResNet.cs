using ScoreML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A noise-conditional ResNet classifier for images, as DLSM's: each flat row viewed as <see cref="ImageShape"/>; a 3x3
/// conv stem with GroupNorm and ReLU; stages of basic blocks, each stage followed by the noise embedding projected to its
/// channels and added; global average pooling (the penultimate features) and a linear layer to one logit per class.
/// </summary>
public sealed class NoiseConditionalResNet : NoiseConditionalNetwork
{
    readonly NoiseLevelEmbedding embedding;
    readonly GuardedConv2d stem;
    readonly GroupNorm stemNorm;
    readonly ModuleList<Sequential> stages;
    readonly ModuleList<Linear> noiseProjections;
    readonly Linear classifier;

    /// <param name="shape">How a row is viewed as an image.</param>
    /// <param name="classes">Number of classes (outputs).</param>
    /// <param name="options">Network shape.</param>
    /// <param name="seed">Seeds the weights and the Fourier frequencies.</param>
    public NoiseConditionalResNet(ImageShape shape, int classes, ResNetOptions options, long seed)
        : base(nameof(NoiseConditionalResNet), (shape ?? throw new ArgumentNullException(nameof(shape))).Size, classes)
    {
        options.Validate();
        shape.Validate(shape.Size, "The image shape");
        Shape = shape;
        Options = options.Clone();
        using var generator = new Generator((ulong)seed);
        embedding = new NoiseLevelEmbedding(options.NoiseFeatures, options.NoiseFeatureCount, options.FourierScale, options.NoiseEmbeddingWidth, generator);
        int channels = options.BaseChannels;
        stem = SeededLayers.Conv(shape.Channels, channels, 3, generator);
        stemNorm = GroupNorms.For(channels);
        stages = new ModuleList<Sequential>();
        noiseProjections = new ModuleList<Linear>();
        for (int stage = 0; stage < options.BlocksPerStage.Length; stage++)
        {
            int outputs = options.BaseChannels << stage;
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int block = 0; block < options.BlocksPerStage[stage]; block++)
            {
                blocks.Add(new ResNetBasicBlock(channels, outputs, block == 0 && stage > 0 ? 2 : 1, generator));
                channels = outputs;
            }
            stages.Add(nn.Sequential(blocks));
            noiseProjections.Add(SeededLayers.Linear(options.NoiseEmbeddingWidth, outputs, generator));
        }
        FeatureWidth = channels;
        classifier = SeededLayers.Linear(channels, classes, generator);
        RegisterComponents();
    }

    /// <summary>How a row is viewed as an image.</summary>
    public ImageShape Shape { get; }
    /// <summary>A copy of the options the network was built with (changing it does not change the network).</summary>
    public ResNetOptions Options { get; }
    /// <summary>The width of <see cref="PenultimateFeatures"/>.</summary>
    public int FeatureWidth { get; }
    /// <summary>Always false: the ResNet is a classifier, and its logits are never divided by sigma.</summary>
    public override bool ScalesOutputBySigma => false;

    /// <param name="x">[B, C*H*W] rows.</param>
    /// <param name="sigma">[B] noise levels.</param>
    /// <returns>[B, classes] logits.</returns>
    public override Tensor forward(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        return classifier.call(PenultimateFeatures(x, sigma)).MoveToOuterDisposeScope();
    }

    /// <summary>The globally average-pooled features of the last stage, [B, FeatureWidth].</summary>
    public override Tensor PenultimateFeatures(Tensor x, Tensor sigma)
    {
        RequireInputs(x, sigma, $"images {Shape}");
        using var scope = NewDisposeScope();
        var temb = nn.functional.silu(embedding.call(sigma));
        var h = nn.functional.relu(stemNorm.call(stem.call(x.view(-1, Shape.Channels, Shape.Height, Shape.Width))));
        for (int stage = 0; stage < stages.Count; stage++)
            h = stages[stage].call(h) + noiseProjections[stage].call(temb).unsqueeze(2).unsqueeze(3);
        return h.mean(new long[] { 2, 3 }).MoveToOuterDisposeScope();
    }
}
