using ScoreML.Networks;
namespace ScoreML;

/// <summary>
/// The shape of a <see cref="NoiseConditionalResNet"/>. The defaults are ResNet-18's layout (four stages of two basic
/// blocks, widths doubling, stride 2 from the second stage) at half its width (32 base channels instead of 64) so that it
/// trains on a CPU; DLSM's classifier noise branch (Fourier features of log sigma, scale 16, an MLP to 128 values, added
/// after each stage through a linear projection).
/// </summary>
public sealed class ResNetOptions
{
    /// <summary>The most channels of the last stage: ResNet-18's is 512; a 3x3 convolution between two 4096-channel maps already
    /// holds 151 M weights.</summary>
    public const int MaxChannels = 4096;

    /// <summary>The most basic blocks per stage (ResNet-152's largest stage has 36).</summary>
    public const int MaxBlocksPerStage = 64;

    /// <summary>Channels of the first stage; each later stage doubles them, and the last has at most <see cref="MaxChannels"/>.</summary>
    public int BaseChannels { get; set; } = 32;

    /// <summary>Basic blocks per stage (ResNet-18: 2-2-2-2), each in [1, <see cref="MaxBlocksPerStage"/>].</summary>
    public int[] BlocksPerStage { get; set; } = { 2, 2, 2, 2 };

    /// <summary>How log sigma is embedded (default Fourier features, as DLSM's classifier).</summary>
    public NoiseLevelFeatures NoiseFeatures { get; set; } = NoiseLevelFeatures.Fourier;

    /// <summary>Width of the log-sigma features (even, at most <see cref="MlpOptions.MaxFourierFeatures"/>; DLSM: 16 frequencies, 32 features).</summary>
    public int NoiseFeatureCount { get; set; } = 32;

    /// <summary>Standard deviation of the fixed Fourier frequencies (DLSM: 16), in (0, <see cref="MlpOptions.MaxFourierScale"/>].</summary>
    public double FourierScale { get; set; } = 16;

    /// <summary>Width of the noise embedding MLP (DLSM: 128), at most <see cref="MlpOptions.MaxWidth"/>.</summary>
    public int NoiseEmbeddingWidth { get; set; } = 128;

    /// <summary>Checks every option; names the option at fault.</summary>
    public void Validate()
    {
        OptionChecks.Defined(NoiseFeatures, "ResNet.NoiseFeatures");
        OptionChecks.InRange(BaseChannels, "ResNet.BaseChannels", 1, MaxChannels);
        OptionChecks.AllInRange(BlocksPerStage, "ResNet.BlocksPerStage", 1, MaxBlocksPerStage);
        if (BaseChannels * Math.Pow(2, BlocksPerStage.Length - 1) > MaxChannels)
            throw OptionChecks.Refusal("ResNet.BaseChannels", $"small enough that the last stage, with BaseChannels x 2^(stages - 1) channels, has at most {MaxChannels}",
                $"{BaseChannels} with {BlocksPerStage.Length} stages (ResNet.BlocksPerStage)");
        OptionChecks.EvenInRange(NoiseFeatureCount, "ResNet.NoiseFeatureCount", 2, MlpOptions.MaxFourierFeatures);
        OptionChecks.InRange(FourierScale, "ResNet.FourierScale", 0, MlpOptions.MaxFourierScale, lowOpen: true);
        OptionChecks.InRange(NoiseEmbeddingWidth, "ResNet.NoiseEmbeddingWidth", 1, MlpOptions.MaxWidth);
    }

    internal ResNetOptions Clone()
    {
        var copy = (ResNetOptions)MemberwiseClone();
        copy.BlocksPerStage = (int[])BlocksPerStage.Clone();
        return copy;
    }
}
