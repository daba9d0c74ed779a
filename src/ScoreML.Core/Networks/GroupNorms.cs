using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// Group normalisation for the image networks: up to 32 groups of at least 4 channels, the group count a divisor of the
/// channels. Group (not batch) normalisation keeps every sample's output independent of the rest of its batch, which the
/// per-sample input gradients of DLSM and guidance rely on, and which makes sampling batch-size independent.
/// </summary>
internal static class GroupNorms
{
    public static GroupNorm For(int channels)
    {
        int groups = Math.Min(32, Math.Max(1, channels / 4));
        while (channels % groups != 0) groups--;
        var norm = nn.GroupNorm(groups, channels);
        // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised (seen as NaN); PyTorch starts them at 1 and 0.
        using (no_grad())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }
        return norm;
    }
}
