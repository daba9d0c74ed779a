namespace ScoreML;

/// <summary>
/// The corrector of the <see cref="PredictorCorrectorSampler"/>: a Markov chain step that leaves p_t invariant, run
/// <see cref="SamplerOptions.CorrectorSteps"/> times at each time before the predictor. The built-in is
/// <see cref="LangevinCorrector"/> (<see cref="SamplerOptions.Corrector"/>); one of your own goes in
/// <see cref="SamplerOptions.CustomCorrector"/>.
/// </summary>
public abstract class Corrector : PredictorCorrectorStep
{
}
