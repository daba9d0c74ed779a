using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// Single-head self-attention over the pixels of a feature map (DDPM's AttnBlock): GroupNorm, 1x1 projections to query,
/// key and value, softmax(q k^T / sqrt C) v, a 1x1 output projection started at zero; residual, divided by sqrt 2.
/// </summary>
internal sealed class SelfAttentionBlock : nn.Module<Tensor, Tensor>
{
    readonly GroupNorm norm;
    readonly GuardedConv2d query, key, value, output;

    public SelfAttentionBlock(int channels, Generator generator) : base(nameof(SelfAttentionBlock))
    {
        norm = GroupNorms.For(channels);
        query = SeededLayers.Conv(channels, channels, 1, generator);
        key = SeededLayers.Conv(channels, channels, 1, generator);
        value = SeededLayers.Conv(channels, channels, 1, generator);
        output = SeededLayers.Conv(channels, channels, 1, generator, zero: true);
        RegisterComponents();
    }

    /// <param name="x">[B, C, H, W].</param>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var normed = norm.call(x);
        var q = query.call(normed).view(b, c, h * w).transpose(1, 2);   // [B, HW, C]
        var k = key.call(normed).view(b, c, h * w);                     // [B, C, HW]
        var v = value.call(normed).view(b, c, h * w).transpose(1, 2);   // [B, HW, C]
        var weights = (q.bmm(k) / Math.Sqrt(c)).softmax(2);                 // [B, HW, HW]
        var attended = weights.bmm(v).transpose(1, 2).reshape(b, c, h, w);
        return ((x + output.call(attended)) / Math.Sqrt(2)).MoveToOuterDisposeScope();
    }
}
