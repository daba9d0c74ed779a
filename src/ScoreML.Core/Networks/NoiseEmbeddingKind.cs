using ScoreML.Networks;
namespace ScoreML;

/// <summary>How the noise level sigma enters the network.</summary>
public enum NoiseEmbeddingKind
{
    /// <summary>One input feature, log sigma.</summary>
    LogSigma,
    /// <summary>Fixed random Gaussian Fourier features of log sigma: [sin(2 pi w log sigma), cos(2 pi w log sigma)].</summary>
    Fourier,
    /// <summary>One input feature, sigma itself (the DLSM toy code).</summary>
    Sigma,
}
