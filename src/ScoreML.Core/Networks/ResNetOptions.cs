namespace ScoreML.Networks;

/// <summary>
/// The shape of a <see cref="NoiseConditionalResNet"/>. The defaults are ResNet-18's layout (four stages of two basic
/// blocks, widths doubling, stride 2 from the second stage) at half its width (32 base channels instead of 64) so that it
/// trains on a CPU; DLSM's classifier noise branch (Fourier features of log sigma, scale 16, an MLP to 128 values, added
/// after each stage through a linear projection).
/// </summary>
public sealed class ResNetOptions
{
    /// <summary>Channels of the first stage; each later stage doubles them.</summary>
    public int BaseChannels { get; set; } = 32;

    /// <summary>Basic blocks per stage (ResNet-18: 2-2-2-2).</summary>
    public int[] BlocksPerStage { get; set; } = { 2, 2, 2, 2 };

    public NoiseLevelFeatures NoiseFeatures { get; set; } = NoiseLevelFeatures.Fourier;

    /// <summary>Width of the log-sigma features (even; DLSM: 16 frequencies, 32 features).</summary>
    public int NoiseFeatureCount { get; set; } = 32;

    public double FourierScale { get; set; } = 16;

    /// <summary>Width of the noise embedding MLP (DLSM: 128).</summary>
    public int NoiseEmbeddingWidth { get; set; } = 128;

    public void Validate()
    {
        if (BaseChannels <= 0) throw new ArgumentOutOfRangeException(nameof(BaseChannels), BaseChannels, "ResNet.BaseChannels must be positive.");
        if (BlocksPerStage is null || BlocksPerStage.Length == 0 || BlocksPerStage.Any(b => b <= 0))
            throw new ArgumentOutOfRangeException(nameof(BlocksPerStage), "ResNet.BlocksPerStage needs at least one stage with a positive block count.");
        if (NoiseFeatureCount <= 0 || NoiseFeatureCount % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(NoiseFeatureCount), NoiseFeatureCount, "ResNet.NoiseFeatureCount must be a positive even number.");
        if (!(FourierScale > 0)) throw new ArgumentOutOfRangeException(nameof(FourierScale), FourierScale, "ResNet.FourierScale must be positive.");
        if (NoiseEmbeddingWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(NoiseEmbeddingWidth), NoiseEmbeddingWidth, "ResNet.NoiseEmbeddingWidth must be positive.");
    }

    internal ResNetOptions Clone()
    {
        var copy = (ResNetOptions)MemberwiseClone();
        copy.BlocksPerStage = (int[])BlocksPerStage.Clone();
        return copy;
    }
}
