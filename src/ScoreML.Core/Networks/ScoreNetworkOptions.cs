namespace ScoreML.Networks;

/// <summary>The shape of the noise-conditional MLP score network.</summary>
public sealed class ScoreNetworkOptions
{
    /// <summary>Hidden layer widths (default 128-64-32, the DLSM toy study's network).</summary>
    public int[] HiddenSizes { get; set; } = { 128, 64, 32 };

    /// <summary>How sigma is fed in.</summary>
    public NoiseEmbeddingKind NoiseEmbedding { get; set; } = NoiseEmbeddingKind.LogSigma;

    /// <summary>Number of Fourier features (even) when <see cref="NoiseEmbedding"/> is Fourier.</summary>
    public int FourierFeatures { get; set; } = 16;

    /// <summary>Standard deviation of the fixed Fourier frequencies.</summary>
    public double FourierScale { get; set; } = 16;

    /// <summary>Divide the network output by sigma (score_sde's scale_by_sigma), so the network predicts -z; on by default because
    /// the score's size spans 1/SigmaMin to 1/SigmaMax, which an MLP learns poorly on its own.</summary>
    public bool ScaleOutputBySigma { get; set; } = true;

    public void Validate()
    {
        if (HiddenSizes is null || HiddenSizes.Length == 0 || HiddenSizes.Any(h => h <= 0))
            throw new ArgumentOutOfRangeException(nameof(HiddenSizes), "Network.HiddenSizes needs at least one positive width.");
        if (NoiseEmbedding == NoiseEmbeddingKind.Fourier && (FourierFeatures <= 0 || FourierFeatures % 2 != 0))
            throw new ArgumentOutOfRangeException(nameof(FourierFeatures), FourierFeatures, "Network.FourierFeatures must be a positive even number.");
        if (NoiseEmbedding == NoiseEmbeddingKind.Fourier && !(FourierScale > 0))
            throw new ArgumentOutOfRangeException(nameof(FourierScale), FourierScale, "Network.FourierScale must be positive.");
    }

    internal ScoreNetworkOptions Clone() => new()
    {
        HiddenSizes = (int[])HiddenSizes.Clone(),
        NoiseEmbedding = NoiseEmbedding,
        FourierFeatures = FourierFeatures,
        FourierScale = FourierScale,
        ScaleOutputBySigma = ScaleOutputBySigma,
    };
}
