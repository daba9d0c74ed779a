namespace ScoreML.Networks;

/// <summary>
/// The shape of a <see cref="NoiseConditionalUNet"/>. The defaults are a small DDPM++-style network that trains on 28x28
/// and 32x32 images on a CPU: 32 base channels, multipliers 1-2-2 (three resolutions: 28, 14, 7 or 32, 16, 8), one
/// residual block per resolution, self-attention at the lowest resolution and in the middle. The papers' CIFAR-10
/// networks are BaseChannels 128, ChannelMultipliers 1-2-2-2, ResidualBlocksPerLevel 4 (NCSN++: 4, DDPM++: 2),
/// AttentionResolutions 16: options, not defaults, on a CPU.
/// </summary>
public sealed class UNetOptions
{
    /// <summary>Channels at full resolution.</summary>
    public int BaseChannels { get; set; } = 32;

    /// <summary>Channel multiplier per resolution level; each level after the first halves the resolution.</summary>
    public int[] ChannelMultipliers { get; set; } = { 1, 2, 2 };

    /// <summary>Residual blocks per level on the way down (the way up has one more, for the skip of the downsampling).</summary>
    public int ResidualBlocksPerLevel { get; set; } = 1;

    /// <summary>Feature-map sizes (height) at which a self-attention block follows each residual block; none by default.</summary>
    public int[] AttentionResolutions { get; set; } = Array.Empty<int>();

    /// <summary>Self-attention between the two middle residual blocks (cheap: it runs at the lowest resolution).</summary>
    public bool MiddleAttention { get; set; } = true;

    public double Dropout { get; set; }

    /// <summary>How log sigma is embedded (Fourier for VE models as NCSN++; sinusoidal as DDPM++).</summary>
    public NoiseLevelFeatures NoiseFeatures { get; set; } = NoiseLevelFeatures.Fourier;

    /// <summary>Width of the log-sigma features (even).</summary>
    public int NoiseFeatureCount { get; set; } = 32;

    /// <summary>Standard deviation of the fixed Fourier frequencies (NCSN++: 16).</summary>
    public double FourierScale { get; set; } = 16;

    /// <summary>Divide the output by sigma, so the network predicts -z (score_sde's scale_by_sigma for VE models).</summary>
    public bool ScaleOutputBySigma { get; set; } = true;

    public void Validate()
    {
        if (BaseChannels <= 0) throw new ArgumentOutOfRangeException(nameof(BaseChannels), BaseChannels, "UNet.BaseChannels must be positive.");
        if (ChannelMultipliers is null || ChannelMultipliers.Length == 0 || ChannelMultipliers.Any(m => m <= 0))
            throw new ArgumentOutOfRangeException(nameof(ChannelMultipliers), "UNet.ChannelMultipliers needs at least one positive multiplier.");
        if (ResidualBlocksPerLevel <= 0)
            throw new ArgumentOutOfRangeException(nameof(ResidualBlocksPerLevel), ResidualBlocksPerLevel, "UNet.ResidualBlocksPerLevel must be positive.");
        if (AttentionResolutions is null || AttentionResolutions.Any(r => r <= 0))
            throw new ArgumentOutOfRangeException(nameof(AttentionResolutions), "UNet.AttentionResolutions must hold positive sizes.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "UNet.Dropout must be in [0, 1).");
        if (NoiseFeatureCount <= 0 || NoiseFeatureCount % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(NoiseFeatureCount), NoiseFeatureCount, "UNet.NoiseFeatureCount must be a positive even number.");
        if (!(FourierScale > 0)) throw new ArgumentOutOfRangeException(nameof(FourierScale), FourierScale, "UNet.FourierScale must be positive.");
    }

    internal UNetOptions Clone()
    {
        var copy = (UNetOptions)MemberwiseClone();
        copy.ChannelMultipliers = (int[])ChannelMultipliers.Clone();
        copy.AttentionResolutions = (int[])AttentionResolutions.Clone();
        return copy;
    }
}
