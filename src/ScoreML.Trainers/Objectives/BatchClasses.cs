using static TorchSharp.torch;

namespace ScoreML.Objectives;

/// <summary>
/// The classes of a class-conditional score model's training rows, as the objectives see them. Objectives take a network of
/// (x, sigma) only, so each batch gets the conditional network with that batch's classes bound to it: every objective, a
/// custom one included, trains the conditional score unchanged. Each row's class is replaced by "no class" with probability
/// <c>dropout</c> (drawn from the batch's generator), which teaches the same network the unconditional score that
/// classifier-free guidance needs.
/// </summary>
/// <param name="network">The class-conditional network being trained.</param>
/// <param name="labels">[N] Int64 0-based classes of all rows, on the training device (owned by the caller).</param>
/// <param name="dropout">The label dropout probability, in [0, 1).</param>
internal sealed class BatchClasses(NoiseConditionalNetwork network, Tensor labels, double dropout) : IDisposable
{
    readonly BoundClassesNetwork bound = new(network);

    /// <summary>The network with <paramref name="batch"/>'s classes (some dropped) bound, for this step's objective.</summary>
    public NoiseConditionalNetwork For(TrainingBatch batch)
    {
        var classes = labels.index_select(0, batch.Indices);
        if (dropout > 0)
        {
            var dropped = rand(new[] { classes.shape[0] }, generator: batch.Generator, device: batch.Device) < dropout;
            classes = classes.masked_fill(dropped, NoiseConditionalNetwork.NoClass);
        }
        bound.Classes = classes;
        return bound;
    }

    public void Dispose() => bound.Dispose();

    /// <summary>
    /// The conditional network seen as one of (x, sigma): its output for the bound classes. The built-in objectives evaluate the
    /// network on k copies of the batch stacked (x.repeat(k, 1)), so rows k·B get the classes tiled the same way; any other row
    /// count is refused rather than guessed at. It owns no weights: the optimiser trains the conditional network's.
    /// </summary>
    sealed class BoundClassesNetwork(NoiseConditionalNetwork conditional)
        : NoiseConditionalNetwork(conditional.GetName(), conditional.Dimension, conditional.Outputs)
    {
        public Tensor? Classes { get; set; }

        public override bool ScalesOutputBySigma => conditional.ScalesOutputBySigma;

        public override Tensor forward(Tensor x, Tensor sigma) => conditional.forward(x, sigma, ClassesFor(x));

        public override Tensor PenultimateFeatures(Tensor x, Tensor sigma) => conditional.PenultimateFeatures(x, sigma);

        Tensor ClassesFor(Tensor x)
        {
            var classes = Classes ?? throw new InvalidOperationException("No batch's classes are bound.");
            long rows = x.shape[0], batch = classes.shape[0];
            if (rows == batch) return classes;
            if (batch > 0 && rows % batch == 0) return classes.repeat(rows / batch);
            throw new InvalidOperationException($"The objective evaluated the class-conditional network on {rows} rows, which is not a whole number of copies " +
                $"of the batch's {batch} rows; stack copies of the batch (x.repeat(k, 1)) so each row's class is known.");
        }
    }
}
