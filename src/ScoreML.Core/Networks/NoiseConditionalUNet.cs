using ScoreML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A noise-conditional U-Net score network in the DDPM++ / NCSN++ family for images: each flat row is viewed as
/// <see cref="ImageShape"/>; a 3x3 conv, then per resolution level residual blocks (with self-attention where chosen) and a
/// strided-conv downsampling; two middle residual blocks around self-attention; the way up mirrors the way down with skip
/// concatenations and nearest-neighbour upsampling followed by a 3x3 conv; GroupNorm, SiLU and a 3x3 conv back to the image
/// channels; optionally divided by sigma. Every residual block adds a projection of the noise-level embedding.
/// </summary>
public sealed class NoiseConditionalUNet : NoiseConditionalNetwork
{
    readonly NoiseLevelEmbedding embedding;
    readonly GuardedConv2d input;
    readonly ModuleList<nn.Module> down;   // UNetResidualBlock, SelfAttentionBlock or GuardedConv2d (downsampling), in order
    readonly UNetResidualBlock middle1, middle2;
    readonly SelfAttentionBlock? middleAttention;
    readonly ModuleList<nn.Module> up;     // UNetResidualBlock, SelfAttentionBlock or GuardedConv2d (after upsampling), in order
    readonly GroupNorm outputNorm;
    readonly GuardedConv2d output;
    readonly bool scaleBySigma;
    readonly ClassEmbedding? classEmbedding;   // class-conditional networks only

    /// <param name="shape">How a row is viewed as an image.</param>
    /// <param name="options">Network shape.</param>
    /// <param name="seed">Seeds the weights and the Fourier frequencies.</param>
    public NoiseConditionalUNet(ImageShape shape, UNetOptions options, long seed) : this(shape, options, seed, 0) { }

    /// <param name="shape">How a row is viewed as an image.</param>
    /// <param name="options">Network shape.</param>
    /// <param name="seed">Seeds the weights, the Fourier frequencies and the class embedding.</param>
    /// <param name="conditionClasses">The classes of a class-conditional network (at least 2): a learned embedding of each class
    /// is added to the noise-level embedding that every residual block receives (as DDPM++'s and diffusers' class-conditional
    /// U-Nets do); 0 for an unconditional network.</param>
    public NoiseConditionalUNet(ImageShape shape, UNetOptions options, long seed, int conditionClasses)
        : base(nameof(NoiseConditionalUNet), (shape ?? throw new ArgumentNullException(nameof(shape))).Size, shape.Size, conditionClasses)
    {
        options.Validate();
        shape.Validate(shape.Size, "The image shape");
        Shape = shape;
        Options = options.Clone();
        scaleBySigma = options.ScaleOutputBySigma;
        using var generator = new Generator((ulong)seed);
        int width = options.BaseChannels;
        int embeddingWidth = 4 * width;
        embedding = new NoiseLevelEmbedding(options.NoiseFeatures, options.NoiseFeatureCount, options.FourierScale, embeddingWidth, generator);
        input = SeededLayers.Conv(shape.Channels, width, 3, generator);

        // The way down; skipChannels records the channels of every activation the way up concatenates back.
        down = new ModuleList<nn.Module>();
        var skipChannels = new Stack<int>();
        skipChannels.Push(width);
        int channels = width, size = shape.Height;
        int levels = options.ChannelMultipliers.Length;
        for (int level = 0; level < levels; level++)
        {
            int outputs = width * options.ChannelMultipliers[level];
            for (int block = 0; block < options.ResidualBlocksPerLevel; block++)
            {
                down.Add(new UNetResidualBlock(channels, outputs, embeddingWidth, options.Dropout, generator));
                channels = outputs;
                if (options.AttentionResolutions.Contains(size)) down.Add(new SelfAttentionBlock(channels, generator));
                skipChannels.Push(channels);
            }
            if (level < levels - 1)
            {
                down.Add(SeededLayers.Conv(channels, channels, 3, generator, stride: 2));
                size = (size + 1) / 2;
                skipChannels.Push(channels);
            }
        }

        middle1 = new UNetResidualBlock(channels, channels, embeddingWidth, options.Dropout, generator);
        if (options.MiddleAttention) middleAttention = new SelfAttentionBlock(channels, generator);
        middle2 = new UNetResidualBlock(channels, channels, embeddingWidth, options.Dropout, generator);

        up = new ModuleList<nn.Module>();
        for (int level = levels - 1; level >= 0; level--)
        {
            int outputs = width * options.ChannelMultipliers[level];
            for (int block = 0; block <= options.ResidualBlocksPerLevel; block++)
            {
                up.Add(new UNetResidualBlock(channels + skipChannels.Pop(), outputs, embeddingWidth, options.Dropout, generator));
                channels = outputs;
                if (options.AttentionResolutions.Contains(size)) up.Add(new SelfAttentionBlock(channels, generator));
            }
            if (level > 0)
            {
                up.Add(SeededLayers.Conv(channels, channels, 3, generator));
                size = SizeAtLevel(shape.Height, level - 1);
            }
        }
        outputNorm = GroupNorms.For(channels);
        output = SeededLayers.Conv(channels, shape.Channels, 3, generator);
        // Drawn last, so an unconditional network's weights are what they were before class conditioning existed.
        if (conditionClasses > 0) classEmbedding = new ClassEmbedding(conditionClasses, embeddingWidth, generator);
        RegisterComponents();
    }

    /// <summary>How a row is viewed as an image.</summary>
    public ImageShape Shape { get; }
    /// <summary>A copy of the options the network was built with (changing it does not change the network).</summary>
    public UNetOptions Options { get; }
    /// <summary>Whether the output is divided by sigma, as <see cref="UNetOptions.ScaleOutputBySigma"/> was when the network was built.</summary>
    public override bool ScalesOutputBySigma => scaleBySigma;

    /// <param name="x">[B, C*H*W] rows.</param>
    /// <param name="sigma">[B] noise levels.</param>
    public override Tensor forward(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        var output = Run(x, sigma, null, out _);
        return output.MoveToOuterDisposeScope();
    }

    /// <param name="x">[B, C*H*W] rows.</param>
    /// <param name="sigma">[B] noise levels.</param>
    /// <param name="classes">[B] Int64 classes, <see cref="NoiseConditionalNetwork.NoClass"/> for none.</param>
    public override Tensor forward(Tensor x, Tensor sigma, Tensor classes)
    {
        if (classEmbedding is null) return base.forward(x, sigma, classes);
        RequireClasses(x, classes);
        using var scope = NewDisposeScope();
        var output = Run(x, sigma, classes, out _);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The last feature map before the output convolution, averaged over pixels: [B, BaseChannels * multiplier 0].</summary>
    public override Tensor PenultimateFeatures(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        Run(x, sigma, null, out var features);
        return features.mean(new long[] { 2, 3 }).MoveToOuterDisposeScope();
    }

    // classes: null is "no class" for a class-conditional network.
    Tensor Run(Tensor x, Tensor sigma, Tensor? classes, out Tensor lastFeatures)
    {
        RequireInputs(x, sigma, $"images {Shape}");
        var temb = embedding.call(sigma);
        if (classEmbedding is not null)
            temb = temb + (classes is null ? classEmbedding.Unconditional(x.shape[0], x.device) : classEmbedding.call(classes)).to(temb.dtype);
        var h = input.call(x.view(-1, Shape.Channels, Shape.Height, Shape.Width));
        var skips = new Stack<Tensor>();
        skips.Push(h);
        foreach (var module in down)
        {
            h = Apply(module, h, temb);
            if (module is not SelfAttentionBlock) skips.Push(h);
            else { skips.Pop(); skips.Push(h); }   // the attended activation replaces its block's
        }
        h = middle1.call(h, temb);
        if (middleAttention is not null) h = middleAttention.call(h);
        h = middle2.call(h, temb);
        foreach (var module in up)
        {
            if (module is UNetResidualBlock block) h = block.call(cat(new[] { h, skips.Pop() }, 1), temb);
            else if (module is SelfAttentionBlock attention) h = attention.call(h);
            else
            {
                // Upsample to the size of the skip that comes next (odd sizes such as 7 round up on the way down).
                var next = skips.Peek();
                h = nn.functional.interpolate(h, new[] { next.shape[2], next.shape[3] }, mode: InterpolationMode.Nearest);
                h = ((GuardedConv2d)module).call(h);
            }
        }
        lastFeatures = h;
        var result = output.call(nn.functional.silu(outputNorm.call(h))).reshape(x.shape[0], Dimension);
        return scaleBySigma ? result / sigma.unsqueeze(1) : result;
    }

    static Tensor Apply(nn.Module module, Tensor h, Tensor temb) => module switch
    {
        UNetResidualBlock block => block.call(h, temb),
        SelfAttentionBlock attention => attention.call(h),
        GuardedConv2d downsample => downsample.call(h),
        _ => throw new InvalidOperationException($"Unexpected module {module.GetName()} in the U-Net."),
    };

    static int SizeAtLevel(int size, int level)
    {
        for (int i = 0; i < level; i++) size = (size + 1) / 2;
        return size;
    }
}
