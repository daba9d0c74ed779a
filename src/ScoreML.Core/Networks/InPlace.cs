using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// Activations computed in place when no gradient can need the value they overwrite. SiLU's gradient needs its input, so
/// it is in place only when no graph is recorded through the tensor (sampling, evaluation, a frozen prior's forward); a
/// sum, a division by a constant and ReLU (whose gradient needs only its output) are in place in the blocks themselves.
/// Why: at a sampling batch of 250 each activation of the default U-Net is 25-50 MB, and writing it once instead of
/// allocating a copy saves memory traffic in memory-bound layers (docs/benchmarks.md has the measured difference).
/// </summary>
internal static class InPlace
{
    /// <summary>SiLU of <paramref name="x"/>, overwriting it when no gradient is recorded through it; <paramref name="x"/>
    /// must be a fresh activation no other layer reads.</summary>
    public static Tensor Silu(Tensor x) => is_grad_enabled() && x.requires_grad ? nn.functional.silu(x) : nn.functional.silu(x, inplace: true);
}
