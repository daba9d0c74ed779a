using Microsoft.ML;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Lifetime;

/// <summary>The lifetime tests' small untrained networks and short samplers: lifetime does not depend on what the weights are.</summary>
internal static class LifetimeFixtures
{
    public static MLContext Ml { get; } = new(1);

    public static SamplerOptions FewSteps(int seed = 3) => new() { Steps = 5, BatchSize = 4, Seed = seed };

    public static NoiseConditionalMlp ScoreNetwork() => new(2, 2, new MlpOptions { HiddenSizes = new[] { 8 } }, seed: 1);

    public static NoiseConditionalMlp ClassifierNetwork() => new(2, 2, new MlpOptions { HiddenSizes = new[] { 8 }, ScaleOutputBySigma = false }, seed: 2);

    public static StochasticDifferentialEquation SmallSde => new SdeOptions { SigmaMax = 3 }.Create(double.NaN);
}
