using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// A denoising loss on one fixed batch, |f(x + sigma z, sigma) sigma + z|^2, for timing training steps of a network through
/// the training core (a <see cref="TrainingRun"/> gives each step's wall time). The batch's row indices are ignored: every
/// step costs the same, so the timings compare.
/// </summary>
internal sealed class FixedBatchDenoising : ITrainingStep
{
    readonly NoiseConditionalNetwork network;
    readonly Tensor x;
    readonly Tensor z;
    readonly Tensor sigma;
    readonly Action<int>? beforeStep;

    /// <param name="beforeStep">Called with the 0-based step before its loss (e.g. to switch a code path on alternate steps).</param>
    public FixedBatchDenoising(NoiseConditionalNetwork network, Tensor x, Tensor z, Tensor sigma, Action<int>? beforeStep = null)
    {
        this.network = network;
        this.x = x;
        this.z = z;
        this.sigma = sigma;
        this.beforeStep = beforeStep;
    }

    public Tensor Loss(TrainingBatch batch)
    {
        beforeStep?.Invoke(batch.Step);
        return (network.forward(x + sigma.unsqueeze(1) * z, sigma) * sigma.unsqueeze(1) + z).pow(2).sum(1).mean();
    }

    /// <summary>The wall time of each of <paramref name="steps"/> Adam steps (learning rate 2e-4, no clipping), in milliseconds.</summary>
    public static double[] TimeSteps(NoiseConditionalNetwork network, FixedBatchDenoising loss, int steps)
    {
        var options = new TrainingOptions { Steps = steps, BatchSize = (int)loss.x.shape[0], LearningRate = 2e-4, GradientClipNorm = null };
        using var run = new TrainingRun(network, options, loss, new TrainingRunSettings { Trainer = "Benchmark", Rows = (int)loss.x.shape[0], Checkpoints = false });
        return run.Run().StepMilliseconds;
    }
}
