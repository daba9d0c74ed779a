using ScoreML.Networks;
using ScoreML.Trainers.Objectives;

namespace FashionMnist;

/// <summary>
/// How big a run is. The default is sized to finish in about an hour on a 2-core CPU, --quick in a few minutes; every
/// number can be overridden on the command line. The papers train far larger networks for far longer on GPUs: these runs show the
/// methods' ordering on a CPU budget, not the paper's numbers.
/// </summary>
internal sealed record RunSettings
{
    public string ObjectiveName { get; init; } = "dsm";
    public int ScoreSteps { get; init; } = 3000;
    public int ClassifierSteps { get; init; } = 1000;
    public int FeatureClassifierSteps { get; init; } = 1500;
    public int BatchSize { get; init; } = 64;
    public int SamplesPerClass { get; init; } = 50;
    public int SamplerSteps { get; init; } = 200;
    public int RealTestImages { get; init; } = 10_000;
    public int UNetChannels { get; init; } = 16;
    public bool UNetMiddleAttention { get; init; } = true;
    public double ScalingAlpha { get; init; } = 10;   // the "scaling" baseline's guidance scale (the DLSM two-moons study's)
    public double Lambda { get; init; } = 1;         // DLSM + lambda CE (the paper's CIFAR setting)
    public int Seed { get; init; } = 1;

    public static RunSettings Quick => new()
    {
        ScoreSteps = 300, ClassifierSteps = 150, FeatureClassifierSteps = 300, SamplesPerClass = 20, SamplerSteps = 100,
        RealTestImages = 1000, UNetMiddleAttention = false,
    };

    public Objective ScoreObjective => ObjectiveName switch
    {
        "dsm" => Objective.Dsm,
        "lcss" => Objective.Lcss,
        _ => throw new ArgumentException($"--objective must be dsm or lcss, not '{ObjectiveName}'."),
    };

    public UNetOptions UNet => new() { BaseChannels = UNetChannels, MiddleAttention = UNetMiddleAttention };

    /// <summary>The guidance classifiers' ResNet: 16-32-64 channels, one basic block per stage.</summary>
    public static ResNetOptions ClassifierNetwork => new() { BaseChannels = 16, BlocksPerStage = new[] { 1, 1, 1 } };

    /// <summary>
    /// A rough time estimate from per-unit costs measured on the development machine (2-core AMD EPYC, a --quick run): a
    /// U-Net training step at batch 64 (16 channels) 0.51 s, a CE classifier step 0.11 s, a DLSM + CE step 0.44 s, a
    /// feature-classifier step 0.20 s, a guided sampler step 3.6 ms per image, an evaluation 13 s per method.
    /// </summary>
    public TimeSpan Estimate()
    {
        double seconds = ScoreSteps * 0.51 + ClassifierSteps * (0.11 + 0.44) + FeatureClassifierSteps * 0.20
            + 3 * 10 * SamplesPerClass * SamplerSteps * 0.0036 + 3 * 13 + 20;
        return TimeSpan.FromSeconds(seconds);
    }
}
