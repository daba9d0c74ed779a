using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// The U-Net's residual block (DDPM++ / NCSN++): GroupNorm, SiLU, 3x3 conv, plus a projection of the noise embedding;
/// GroupNorm, SiLU, dropout, 3x3 conv (started at zero, so the block starts as its skip path); the skip path is a 1x1 conv
/// when the channel count changes; the sum is divided by sqrt 2 (skip rescaling).
/// </summary>
internal sealed class UNetResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly GroupNorm norm1, norm2;
    readonly GuardedConv2d conv1, conv2;
    readonly GuardedConv2d? skip;
    readonly Linear noise;
    readonly Dropout dropout;

    public UNetResidualBlock(int inputs, int outputs, int embeddingWidth, double dropoutRate, Generator generator) : base(nameof(UNetResidualBlock))
    {
        norm1 = GroupNorms.For(inputs);
        conv1 = SeededLayers.Conv(inputs, outputs, 3, generator);
        noise = SeededLayers.Linear(embeddingWidth, outputs, generator);
        norm2 = GroupNorms.For(outputs);
        dropout = nn.Dropout(dropoutRate);
        conv2 = SeededLayers.Conv(outputs, outputs, 3, generator, zero: true);
        if (inputs != outputs) skip = SeededLayers.Conv(inputs, outputs, 1, generator);
        RegisterComponents();
    }

    /// <param name="x">[B, inputs, H, W].</param>
    /// <param name="embedding">[B, embeddingWidth] noise embedding.</param>
    public override Tensor forward(Tensor x, Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var h = conv1.call(nn.functional.silu(norm1.call(x)));
        h = h + noise.call(nn.functional.silu(embedding)).unsqueeze(2).unsqueeze(3);
        h = conv2.call(dropout.call(nn.functional.silu(norm2.call(h))));
        var shortcut = skip is null ? x : skip.call(x);
        return ((shortcut + h) / Math.Sqrt(2)).MoveToOuterDisposeScope();
    }
}
