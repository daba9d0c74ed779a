using ScoreML.Runtime;
using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML.Objectives;

/// <summary>
/// The score model's part of a training step: t ~ U(eps, T) for the batch's points, the objective's per-point losses at
/// those times, the optional extra weighting sigma^(2 (p - 1)), and their mean.
/// </summary>
/// <param name="network">The score network being trained.</param>
/// <param name="sde">The SDE that perturbs the data.</param>
/// <param name="objective">The per-point loss.</param>
/// <param name="data">All rows, [N, D], on the training device (owned by the caller).</param>
/// <param name="weightingExponent">p of the loss weight sigma^(2 p); 1 leaves the objectives' own sigma^2.</param>
/// <param name="classes">A class-conditional model's classes (with label dropout); null for an unconditional model.</param>
internal sealed class ScoreMatchingStep(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, ScoreObjective objective, Tensor data,
    double weightingExponent, BatchClasses? classes = null) : ITrainingStep
{
    public Tensor Loss(TrainingBatch batch)
    {
        double eps = sde.SamplingEpsilon;
        var x0 = data.index_select(0, batch.Indices);
        var t = rand(new long[] { x0.shape[0] }, generator: batch.Generator, device: batch.Device) * (sde.T - eps) + eps;
        var pointLosses = objective.PointLosses(classes?.For(batch) ?? network, sde, x0, t, batch.Generator);
        if (weightingExponent != 1)
            pointLosses = pointLosses * HeldScalars.Pow(sde.MarginalStd(t), 2 * (weightingExponent - 1));
        return pointLosses.mean();
    }
}
