using ScoreML.Networks;
namespace ScoreML;

/// <summary>
/// The shape of a <see cref="NoiseConditionalUNet"/>. The defaults are a small DDPM++-style network that trains on 28x28
/// and 32x32 images on a CPU: 32 base channels, multipliers 1-2-2 (three resolutions: 28, 14, 7 or 32, 16, 8), one
/// residual block per resolution, self-attention at the lowest resolution and in the middle. The papers' CIFAR-10
/// networks are BaseChannels 128, ChannelMultipliers 1-2-2-2, ResidualBlocksPerLevel 4 (NCSN++: 4, DDPM++: 2),
/// AttentionResolutions 16: options, not defaults, on a CPU.
/// </summary>
public sealed class UNetOptions
{
    /// <summary>The most channels at any level: the papers' widest is 256 (128 x 2); a 3x3 convolution between two 4096-channel maps
    /// already holds 151 M weights.</summary>
    public const int MaxChannels = 4096;

    /// <summary>The most residual blocks per level (NCSN++: 4).</summary>
    public const int MaxResidualBlocksPerLevel = 64;

    /// <summary>Channels at full resolution, in [1, <see cref="MaxChannels"/>].</summary>
    public int BaseChannels { get; set; } = 32;

    /// <summary>Channel multiplier per resolution level; each level after the first halves the resolution. BaseChannels times each
    /// multiplier is at most <see cref="MaxChannels"/>.</summary>
    public int[] ChannelMultipliers { get; set; } = { 1, 2, 2 };

    /// <summary>Residual blocks per level on the way down (the way up has one more, for the skip of the downsampling).</summary>
    public int ResidualBlocksPerLevel { get; set; } = 1;

    /// <summary>Feature-map sizes (height) at which a self-attention block follows each residual block; none by default.</summary>
    public int[] AttentionResolutions { get; set; } = Array.Empty<int>();

    /// <summary>Self-attention between the two middle residual blocks (cheap: it runs at the lowest resolution).</summary>
    public bool MiddleAttention { get; set; } = true;

    /// <summary>Dropout rate in every residual block, in [0, 1) (default 0, none); active only while training.</summary>
    public double Dropout { get; set; }

    /// <summary>How log sigma is embedded (Fourier for VE models as NCSN++; sinusoidal as DDPM++).</summary>
    public NoiseLevelFeatures NoiseFeatures { get; set; } = NoiseLevelFeatures.Fourier;

    /// <summary>Width of the log-sigma features (even, at most <see cref="MlpOptions.MaxFourierFeatures"/>).</summary>
    public int NoiseFeatureCount { get; set; } = 32;

    /// <summary>Standard deviation of the fixed Fourier frequencies (NCSN++: 16), in (0, <see cref="MlpOptions.MaxFourierScale"/>].</summary>
    public double FourierScale { get; set; } = 16;

    /// <summary>Divide the output by sigma, so the network predicts -z (score_sde's scale_by_sigma for VE models).</summary>
    public bool ScaleOutputBySigma { get; set; } = true;

    /// <summary>Checks every option; names the option at fault.</summary>
    public void Validate()
    {
        OptionChecks.Defined(NoiseFeatures, "UNet.NoiseFeatures");
        OptionChecks.InRange(BaseChannels, "UNet.BaseChannels", 1, MaxChannels);
        OptionChecks.AllInRange(ChannelMultipliers, "UNet.ChannelMultipliers", 1, MaxChannels);
        if (ChannelMultipliers.Any(m => (long)BaseChannels * m > MaxChannels))
            throw OptionChecks.Refusal("UNet.ChannelMultipliers", $"small enough that UNet.BaseChannels x each multiplier is at most {MaxChannels} channels",
                $"{BaseChannels} x [{string.Join(", ", ChannelMultipliers)}]");
        OptionChecks.InRange(ResidualBlocksPerLevel, "UNet.ResidualBlocksPerLevel", 1, MaxResidualBlocksPerLevel);
        // A size no feature map has adds no attention block, so any positive size is harmless.
        OptionChecks.AllInRange(AttentionResolutions, "UNet.AttentionResolutions", 1, int.MaxValue, minimumCount: 0);
        OptionChecks.InRange(Dropout, "UNet.Dropout", 0, 1, highOpen: true);
        OptionChecks.EvenInRange(NoiseFeatureCount, "UNet.NoiseFeatureCount", 2, MlpOptions.MaxFourierFeatures);
        OptionChecks.InRange(FourierScale, "UNet.FourierScale", 0, MlpOptions.MaxFourierScale, lowOpen: true);
    }

    internal UNetOptions Clone()
    {
        var copy = (UNetOptions)MemberwiseClone();
        copy.ChannelMultipliers = (int[])ChannelMultipliers.Clone();
        copy.AttentionResolutions = (int[])AttentionResolutions.Clone();
        return copy;
    }
}
