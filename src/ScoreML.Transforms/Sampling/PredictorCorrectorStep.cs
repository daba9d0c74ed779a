using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A step of the <see cref="PredictorCorrectorSampler"/>: what its <see cref="Predictor"/> and <see cref="Corrector"/> have in
/// common. Derive from one of those two, not from this class. The rules of <see cref="Sampler"/> apply: random numbers from
/// the context's generator, no per-run state in fields, settings as public settable properties.
/// </summary>
public abstract class PredictorCorrectorStep
{
    private protected PredictorCorrectorStep() { }

    /// <summary>One step from <paramref name="x"/> at times <paramref name="t"/> ([Count], all equal); returns the next state
    /// and its noise-free mean (what the sampler returns after its last step). Called inside the step's dispose scope, under no_grad.</summary>
    public abstract (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t);
}
