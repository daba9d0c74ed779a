namespace Checkerboard;

/// <summary>
/// The run's size: --quick finishes in well under a minute on two cores; the full run trains ten times longer on
/// a wider network. Both networks are wider than the library default (the DLSM study's 128-64-32), which underfits
/// the checkerboard.
/// </summary>
internal sealed record ExampleSettings(int TrainRows, int HeldOutRows, int Samples, int TrainingSteps, int SamplerSteps,
    int BatchSize, double LearningRate, double EmaDecay, int[] HiddenSizes)
{
    public static ExampleSettings Quick { get; } = new(TrainRows: 10_000, HeldOutRows: 2_000, Samples: 2_000, TrainingSteps: 3_000,
        SamplerSteps: 500, BatchSize: 512, LearningRate: 3e-3, EmaDecay: 0.99, HiddenSizes: new[] { 128, 128, 128 });

    public static ExampleSettings Full { get; } = new(TrainRows: 100_000, HeldOutRows: 5_000, Samples: 5_000, TrainingSteps: 30_000,
        SamplerSteps: 1_000, BatchSize: 512, LearningRate: 1e-3, EmaDecay: 0.999, HiddenSizes: new[] { 256, 256, 256 });
}
