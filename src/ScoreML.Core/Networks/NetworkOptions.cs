namespace ScoreML.Networks;

/// <summary>The shape of a noise-conditional MLP (score network or classifier).</summary>
public sealed class NetworkOptions
{
    /// <summary>Hidden layer widths of the x path (default 128-64-32, the DLSM paper's toy network).</summary>
    public int[] HiddenSizes { get; set; } = { 128, 64, 32 };

    /// <summary>Joint input (default) or the DLSM toy code's two branches.</summary>
    public NetworkLayout Layout { get; set; } = NetworkLayout.Joint;

    /// <summary>With <see cref="NetworkLayout.TwoBranch"/>: the widths of the noise branch (DLSM toy code: 64-32-16).</summary>
    public int[] NoiseBranchSizes { get; set; } = { 64, 32, 16 };

    public Activation Activation { get; set; } = Activation.SiLU;

    /// <summary>How sigma is fed in.</summary>
    public NoiseEmbeddingKind NoiseEmbedding { get; set; } = NoiseEmbeddingKind.LogSigma;

    /// <summary>Number of Fourier features (even) when <see cref="NoiseEmbedding"/> is Fourier.</summary>
    public int FourierFeatures { get; set; } = 16;

    /// <summary>Standard deviation of the fixed Fourier frequencies.</summary>
    public double FourierScale { get; set; } = 16;

    /// <summary>Divide the network output by sigma (score_sde's scale_by_sigma), so a score network predicts -z; on by default
    /// because the score's size spans 1/SigmaMin to 1/SigmaMax, which an MLP learns poorly on its own. Classifiers refuse it.</summary>
    public bool ScaleOutputBySigma { get; set; } = true;

    public void Validate()
    {
        if (HiddenSizes is null || HiddenSizes.Length == 0 || HiddenSizes.Any(h => h <= 0))
            throw new ArgumentOutOfRangeException(nameof(HiddenSizes), "Network.HiddenSizes needs at least one positive width.");
        if (Layout == NetworkLayout.TwoBranch && (NoiseBranchSizes is null || NoiseBranchSizes.Length == 0 || NoiseBranchSizes.Any(h => h <= 0)))
            throw new ArgumentOutOfRangeException(nameof(NoiseBranchSizes), "Network.NoiseBranchSizes needs at least one positive width for the two-branch layout.");
        if (NoiseEmbedding == NoiseEmbeddingKind.Fourier && (FourierFeatures <= 0 || FourierFeatures % 2 != 0))
            throw new ArgumentOutOfRangeException(nameof(FourierFeatures), FourierFeatures, "Network.FourierFeatures must be a positive even number.");
        if (NoiseEmbedding == NoiseEmbeddingKind.Fourier && !(FourierScale > 0))
            throw new ArgumentOutOfRangeException(nameof(FourierScale), FourierScale, "Network.FourierScale must be positive.");
    }

    internal NetworkOptions Clone()
    {
        var copy = (NetworkOptions)MemberwiseClone();
        copy.HiddenSizes = (int[])HiddenSizes.Clone();
        copy.NoiseBranchSizes = (int[])NoiseBranchSizes.Clone();
        return copy;
    }
}
