using ScoreML.Networks;
namespace ScoreML;

/// <summary>The shape of a noise-conditional MLP (score network or classifier).</summary>
public class MlpOptions
{
    /// <summary>The widest layer: a 16384-wide layer after another is 268 M weights (1 GB in float32), far beyond what an MLP on
    /// vectors needs (the DLSM toy network's widest is 128).</summary>
    public const int MaxWidth = 16384;

    /// <summary>The most Fourier features (NCSN++ uses 256); each is one sine or cosine per row.</summary>
    public const int MaxFourierFeatures = 4096;

    /// <summary>
    /// The largest std of the Fourier frequencies (NCSN++: 16). The features are sines of 2 pi w log sigma, and at scales above
    /// 1000 their arguments reach 1e4 to 1e5, where float32 keeps too few digits for the sine to mean anything.
    /// </summary>
    public const double MaxFourierScale = 1000;

    /// <summary>Hidden layer widths of the x path (default 128-64-32, the DLSM paper's toy network), each in [1, <see cref="MaxWidth"/>].</summary>
    public int[] HiddenSizes { get; set; } = { 128, 64, 32 };

    /// <summary>Joint input (default) or the DLSM toy code's two branches.</summary>
    public NetworkLayout Layout { get; set; } = NetworkLayout.Joint;

    /// <summary>With <see cref="NetworkLayout.TwoBranch"/>: the widths of the noise branch (DLSM toy code: 64-32-16).</summary>
    public int[] NoiseBranchSizes { get; set; } = { 64, 32, 16 };

    /// <summary>The hidden layers' activation (default SiLU, which second-order objectives need; ReLU as the DLSM toy code).</summary>
    public Activation Activation { get; set; } = Activation.SiLU;

    /// <summary>How sigma is fed in.</summary>
    public NoiseEmbeddingKind NoiseEmbedding { get; set; } = NoiseEmbeddingKind.LogSigma;

    /// <summary>Number of Fourier features (even, at most <see cref="MaxFourierFeatures"/>) when <see cref="NoiseEmbedding"/> is Fourier.</summary>
    public int FourierFeatures { get; set; } = 16;

    /// <summary>Standard deviation of the fixed Fourier frequencies, in (0, <see cref="MaxFourierScale"/>].</summary>
    public double FourierScale { get; set; } = 16;

    /// <summary>Divide the network output by sigma (score_sde's scale_by_sigma), so a score network predicts -z; on by default
    /// because the score's size spans 1/SigmaMin to 1/SigmaMax, which an MLP learns poorly on its own. Classifiers refuse it.</summary>
    public bool ScaleOutputBySigma { get; set; } = true;

    /// <summary>
    /// A class-conditional MLP's learned class embedding width, in [1, <see cref="MaxWidth"/>] (default 16). The MLP's noise
    /// embedding is log sigma alone or a few Fourier features, so adding a class vector to it would only shift the noise level:
    /// the class embedding is concatenated beside it instead (into the joint input, or the noise branch's input). Unused by
    /// unconditional networks.
    /// </summary>
    public int ClassEmbeddingWidth { get; set; } = 16;

    /// <summary>Checks every option, whether or not the layout and embedding use it; names the option at fault.</summary>
    public void Validate()
    {
        OptionChecks.Defined(Layout, "Mlp.Layout");
        OptionChecks.Defined(Activation, "Mlp.Activation");
        OptionChecks.Defined(NoiseEmbedding, "Mlp.NoiseEmbedding");
        OptionChecks.AllInRange(HiddenSizes, "Mlp.HiddenSizes", 1, MaxWidth);
        // The joint layout has no noise branch, so its widths may be empty there.
        OptionChecks.AllInRange(NoiseBranchSizes, "Mlp.NoiseBranchSizes", 1, MaxWidth, minimumCount: Layout == NetworkLayout.TwoBranch ? 1 : 0);
        OptionChecks.EvenInRange(FourierFeatures, "Mlp.FourierFeatures", 2, MaxFourierFeatures);
        OptionChecks.InRange(FourierScale, "Mlp.FourierScale", 0, MaxFourierScale, lowOpen: true);
        OptionChecks.InRange(ClassEmbeddingWidth, "Mlp.ClassEmbeddingWidth", 1, MaxWidth);
    }

    internal MlpOptions Clone()
    {
        var copy = (MlpOptions)MemberwiseClone();
        copy.HiddenSizes = (int[])HiddenSizes.Clone();
        copy.NoiseBranchSizes = (int[])NoiseBranchSizes.Clone();
        return copy;
    }
}
