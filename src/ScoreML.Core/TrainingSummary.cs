namespace ScoreML;

/// <summary>Per-step loss and wall time of a training run.</summary>
/// <param name="Losses">The loss of every step.</param>
/// <param name="StepMilliseconds">The wall time of every step, in milliseconds.</param>
public sealed record TrainingSummary(float[] Losses, double[] StepMilliseconds)
{
    /// <summary>The mean loss over the last <paramref name="fraction"/> of the steps (smooths the minibatch noise).</summary>
    public double FinalLoss(double fraction = 0.1)
    {
        int take = Math.Max(1, (int)Math.Round(Losses.Length * fraction));
        return Losses.Skip(Losses.Length - take).Average(l => (double)l);
    }

    /// <summary>The median step time in milliseconds.</summary>
    public double MedianStepMilliseconds()
    {
        var sorted = StepMilliseconds.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
