using ScoreML.Networks;
namespace ScoreML;

/// <summary>Where the noise level joins the data in a noise-conditional MLP.</summary>
public enum NetworkLayout
{
    /// <summary>The noise embedding is concatenated to x at the input; one MLP of <c>HiddenSizes</c>.</summary>
    Joint,
    /// <summary>
    /// Two branches, x through <c>HiddenSizes</c> and the noise embedding through <c>NoiseBranchSizes</c> (each ending in a
    /// linear layer), concatenated and mapped to the outputs by one linear layer: the DLSM toy code's networks.
    /// </summary>
    TwoBranch,
}
