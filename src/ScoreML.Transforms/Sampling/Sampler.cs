using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Runs the sampler that <see cref="SamplerOptions.Kind"/> names.</summary>
public static class Sampler
{
    /// <summary>Draws <paramref name="count"/> samples of <paramref name="dimension"/> values; returns [count, dimension].</summary>
    public static Tensor Sample(ScoreFunction score, StochasticDifferentialEquation sde, long count, long dimension,
        SamplerOptions options, Generator generator, Device device)
    {
        options.Validate();
        return options.Kind switch
        {
            SamplerKind.PredictorCorrector => PredictorCorrectorSampler.Sample(score, sde, count, dimension, options, generator, device),
            SamplerKind.AnnealedLangevin => AnnealedLangevinSampler.Sample(score, sde, count, dimension, options, generator, device),
            SamplerKind.ProbabilityFlowOde => ProbabilityFlowOdeSampler.Sample(score, sde, count, dimension, options, generator, device),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown sampler kind."),
        };
    }
}
