namespace ScoreML;

/// <summary>
/// The predictor of the <see cref="PredictorCorrectorSampler"/>: one step of a discretisation of the reverse-time SDE, from
/// time t to the next time on the sampler's grid of <see cref="SamplerOptions.Steps"/> steps. The built-ins are
/// <see cref="ReverseDiffusionPredictor"/> and <see cref="EulerMaruyamaPredictor"/> (<see cref="SamplerOptions.Predictor"/>);
/// one of your own goes in <see cref="SamplerOptions.CustomPredictor"/>.
/// </summary>
public abstract class Predictor : PredictorCorrectorStep
{
}
