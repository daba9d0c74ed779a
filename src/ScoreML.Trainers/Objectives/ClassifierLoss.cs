namespace ScoreML;

/// <summary>What the noise-conditional classifier is trained with (DLSM paper, Section 4).</summary>
public enum ClassifierLoss
{
    /// <summary>Noise-conditional cross-entropy alone (Eq. A5): the paper's "base" classifier.</summary>
    CrossEntropy,
    /// <summary>Denoising likelihood score matching alone (Eq. A4).</summary>
    Dlsm,
    /// <summary>DLSM plus Lambda times cross-entropy (Eq. 11): the paper's method.</summary>
    DlsmPlusCrossEntropy,
}
