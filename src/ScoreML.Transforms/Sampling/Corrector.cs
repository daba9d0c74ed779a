using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The corrector of the <see cref="PredictorCorrectorSampler"/>: a Markov chain step that leaves p_t invariant, run
/// <see cref="SamplerOptions.CorrectorSteps"/> times at each time before the predictor. The built-in is
/// <see cref="LangevinCorrector"/> (<see cref="SamplerOptions.Corrector"/>); one of your own goes in
/// <see cref="SamplerOptions.CustomCorrector"/>, under the rules of <see cref="Sampler"/>.
/// </summary>
public abstract class Corrector
{
    [JsonIgnore]
    public virtual string Name => GetType().Name;

    /// <summary>One step at <paramref name="x"/> and times <paramref name="t"/> ([Count], all equal); returns the next state
    /// and its noise-free mean. Called inside the step's dispose scope.</summary>
    public abstract (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t);
}
