using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// The learned class embedding of a class-conditional score network: one vector per class and one more, the reserved "no
/// class" entry, which classifier-free guidance trains by dropping labels and evaluates for the unconditional score. Rows
/// name their class 0..classes-1, or <see cref="NoiseConditionalNetwork.NoClass"/> for none.
/// </summary>
internal sealed class ClassEmbedding : nn.Module<Tensor, Tensor>
{
    readonly Embedding table;
    readonly int classes;

    /// <param name="classes">The number of classes, at least 2 (the table has one row more).</param>
    /// <param name="width">Values per embedding.</param>
    /// <param name="generator">Draws the initial vectors from N(0, 1), PyTorch's nn.Embedding default.</param>
    public ClassEmbedding(int classes, int width, Generator generator) : base(nameof(ClassEmbedding))
    {
        this.classes = classes;
        table = nn.Embedding(classes + 1, width);
        using (no_grad()) table.weight!.copy_(randn(new long[] { classes + 1, width }, generator: generator));
        RegisterComponents();
    }

    /// <param name="labels">[B] Int64 classes, <see cref="NoiseConditionalNetwork.NoClass"/> for the unconditional entry.</param>
    /// <returns>[B, width].</returns>
    public override Tensor forward(Tensor labels)
    {
        using var scope = NewDisposeScope();
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"Class labels are one Int64 per row; they were a {labels.dtype} tensor of shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        // An index outside the table would fail deep inside libtorch; name the bad value here instead.
        // One host sync per call (this runs at every sampler step); the range is worked out only for the message.
        if ((labels < NoiseConditionalNetwork.NoClass).logical_or(labels >= classes).any().item<bool>())
            throw new ArgumentOutOfRangeException(nameof(labels), $"Class labels must be 0..{classes - 1} or {NoiseConditionalNetwork.NoClass} (no class); " +
                $"they range over {labels.min().item<long>()}..{labels.max().item<long>()}.");
        var index = where(labels == NoiseConditionalNetwork.NoClass, full_like(labels, classes), labels);
        return table.call(index).MoveToOuterDisposeScope();
    }

    /// <summary>The "no class" entry for <paramref name="rows"/> rows on <paramref name="device"/>: [rows, width].</summary>
    public Tensor Unconditional(long rows, Device device)
    {
        using var scope = NewDisposeScope();
        return forward(full(new[] { rows }, NoiseConditionalNetwork.NoClass, ScalarType.Int64, device)).MoveToOuterDisposeScope();
    }
}
