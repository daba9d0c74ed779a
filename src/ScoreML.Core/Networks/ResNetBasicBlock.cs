using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// ResNet's basic block: 3x3 conv (strided when the block downsamples), GroupNorm, ReLU, 3x3 conv, GroupNorm; plus the
/// input, through a strided 1x1 conv and GroupNorm when the shape changes; then ReLU.
/// </summary>
internal sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv1, conv2;
    readonly GroupNorm norm1, norm2;
    readonly GuardedConv2d? projection;
    readonly GroupNorm? projectionNorm;

    public ResNetBasicBlock(int inputs, int outputs, int stride, Generator generator) : base(nameof(ResNetBasicBlock))
    {
        conv1 = SeededLayers.Conv(inputs, outputs, 3, generator, stride: stride);
        norm1 = GroupNorms.For(outputs);
        conv2 = SeededLayers.Conv(outputs, outputs, 3, generator);
        norm2 = GroupNorms.For(outputs);
        if (stride != 1 || inputs != outputs)
        {
            projection = SeededLayers.Conv(inputs, outputs, 1, generator, stride: stride);
            projectionNorm = GroupNorms.For(outputs);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(norm1.call(conv1.call(x)));
        h = norm2.call(conv2.call(h));
        var shortcut = projection is null ? x : projectionNorm!.call(projection.call(x));
        return nn.functional.relu(h + shortcut).MoveToOuterDisposeScope();
    }
}
