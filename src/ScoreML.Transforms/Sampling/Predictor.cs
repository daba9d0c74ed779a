using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The predictor of the <see cref="PredictorCorrectorSampler"/>: one step of a discretisation of the reverse-time SDE, from
/// time t to the next time on the sampler's grid of <see cref="SamplerOptions.Steps"/> steps. The built-ins are
/// <see cref="ReverseDiffusionPredictor"/> and <see cref="EulerMaruyamaPredictor"/> (<see cref="SamplerOptions.Predictor"/>);
/// one of your own goes in <see cref="SamplerOptions.CustomPredictor"/>. The rules of <see cref="Sampler"/> apply: random
/// numbers from the context's generator, no per-run state in fields, settings as public settable properties.
/// </summary>
public abstract class Predictor
{
    [JsonIgnore]
    public virtual string Name => GetType().Name;

    /// <summary>One step from <paramref name="x"/> at times <paramref name="t"/> ([Count], all equal); returns the next state
    /// and its noise-free mean (what the sampler returns after the last step). Called inside the step's dispose scope.</summary>
    public abstract (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t);
}
