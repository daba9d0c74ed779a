using static TorchSharp.torch;

namespace ScoreML.Objectives;

/// <summary>
/// The classifier's part of a training step: noise drawn as in stage 1 (t ~ U(eps, T), x' = m(t) x + std(t) z under the prior's
/// SDE), the loss's terms kept for the progress report, and the monitor called on its schedule.
/// </summary>
/// <param name="classifier">The classifier being trained.</param>
/// <param name="prior">The frozen prior score model: its SDE perturbs the data, and the loss may use its score (DLSM does).</param>
/// <param name="objective">The classifier's loss: a built-in (cross-entropy, DLSM, or both) or one of your own.</param>
/// <param name="data">All rows, [N, D], on the training device (owned by the caller).</param>
/// <param name="labels">Their 0-based classes (int64), [N].</param>
/// <param name="monitor">Called after each step with the steps done.</param>
internal sealed class ClassifierTrainingStep(NoiseConditionalClassifier classifier, ScoreModel prior, ClassifierObjective objective, Tensor data,
    Tensor labels, Action<int>? monitor) : ITrainingStep
{
    /// <summary>The last step's cross-entropy term, NaN when the loss has none.</summary>
    public float CrossEntropy { get; private set; } = float.NaN;

    /// <summary>The last step's DLSM term, NaN when the loss has none.</summary>
    public float Dlsm { get; private set; } = float.NaN;

    public Tensor Loss(TrainingBatch batch)
    {
        var sde = prior.Sde;
        double eps = sde.SamplingEpsilon;
        var x0 = data.index_select(0, batch.Indices);
        var y = labels.index_select(0, batch.Indices);
        var t = rand(new long[] { x0.shape[0] }, generator: batch.Generator, device: batch.Device) * (sde.T - eps) + eps;
        var z = randn(x0.shape, generator: batch.Generator, device: batch.Device);
        var (perturbed, std, _) = sde.Perturb(x0, t, z);
        var terms = objective.Loss(new ClassifierBatch
        {
            Classifier = classifier, Prior = prior, CleanPoints = x0, Labels = y, Noise = z, NoisyPoints = perturbed, Std = std.squeeze(1),
            Generator = batch.Generator,
        });
        CrossEntropy = terms.CrossEntropy?.item<float>() ?? float.NaN;
        Dlsm = terms.Dlsm?.item<float>() ?? float.NaN;
        return terms.Total;
    }

    public IReadOnlyList<KeyValuePair<string, float>> Terms =>
        new[] { new KeyValuePair<string, float>("cross-entropy", CrossEntropy), new KeyValuePair<string, float>("DLSM", Dlsm) }
            .Where(term => !float.IsNaN(term.Value)).ToArray();

    public void StepCompleted(int stepsDone) => monitor?.Invoke(stepsDone);
}
