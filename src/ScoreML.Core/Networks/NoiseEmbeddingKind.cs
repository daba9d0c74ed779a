namespace ScoreML.Networks;

/// <summary>How the noise level sigma enters the score network.</summary>
public enum NoiseEmbeddingKind
{
    /// <summary>One input feature, log sigma.</summary>
    LogSigma,
    /// <summary>Fixed random Gaussian Fourier features of log sigma: [sin(2 pi w log sigma), cos(2 pi w log sigma)].</summary>
    Fourier,
}
