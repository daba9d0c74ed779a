using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Classifier-free guidance (Ho and Salimans 2022): a class-conditional score model trained with label dropout gives both
/// s(x, t | y) and the unconditional s(x, t), and samples with (1 + w) s(x, t | y) - w s(x, t). w = 0 is the conditional model as
/// trained (the DLSM paper's exact posterior-score target); w &gt; 0 sharpens the classes. diffusers' <c>guidance_scale</c> is
/// 1 + w. On a GPU both scores come from one forward pass over the batch stacked twice, as diffusers does; on the CPU from two
/// passes over the batch (see <see cref="Score"/>).
/// </summary>
public static class ClassifierFreeGuidance
{
    /// <summary>The largest weight w, as <c>ConditionalSamplerOptions.MaxGuidanceScale</c> bounds classifier guidance's alpha: beyond
    /// it the guided score is the difference of two scores magnified a hundredfold and the samplers' steps go astray.</summary>
    public const double MaxWeight = 100;

    /// <summary>The guided score (1 + w) s(x, t | y) - w s(x, t) of a class-conditional <paramref name="model"/>; throws when the
    /// model is not class-conditional, when w is negative, non-finite or above <see cref="MaxWeight"/>, and when w &gt; 0 asks for
    /// an unconditional score the model never learned (trained with LabelDropout 0).</summary>
    /// <param name="model">The class-conditional score model; its SDE gives sigma(t).</param>
    /// <param name="weight">w, at least 0.</param>
    public static ConditionalScoreFunction Create(ScoreModel model, double weight)
    {
        ArgumentNullException.ThrowIfNull(model);
        Check(model, weight, nameof(weight));
        return (x, t, labels) =>
        {
            using var scope = NewDisposeScope();
            return Score(model.Network, x, model.Sde.MarginalStd(t), labels, weight).MoveToOuterDisposeScope();
        };
    }

    /// <summary>Throws unless <paramref name="weight"/> is a weight w that <paramref name="model"/> can guide with; names
    /// <paramref name="parameter"/>.</summary>
    internal static void Check(ScoreModel model, double weight, string parameter)
    {
        if (!model.IsConditional)
            throw new ArgumentException("Classifier-free guidance needs a class-conditional score model (trained with ScoreModelOptions.LabelColumnName); " +
                "this one is unconditional. Guide it with a classifier instead (DlsmClassifier, then CreateSampler).", parameter);
        if (!(weight >= 0) || weight > MaxWeight)
            throw new ArgumentOutOfRangeException(parameter, weight, $"The classifier-free guidance weight w must be finite and in [0, {MaxWeight}].");
        if (weight > 0) model.RequireUnconditionalScore($"Classifier-free guidance with w = {weight}");
    }

    /// <summary>(1 + w) f(x, sigma | y) - w f(x, sigma) of a class-conditional network; w = 0 takes one pass over the rows, otherwise two:
    /// with their classes and with none. On a GPU the two are one pass over the rows stacked twice, which fills the device better;
    /// on the CPU they stay two passes over the batch, since the stacked pass's activations are twice as large, and on the
    /// 2-core AMD EPYC of CPU family 26 a U-Net pass over 500 Fashion-MNIST rows took 5.5 times one over 250 (its buffers
    /// crossing glibc's mmap threshold and page-faulting afresh at every step; FashionMnist --costs measured it), not 2.</summary>
    internal static Tensor Score(NoiseConditionalNetwork network, Tensor x, Tensor sigma, Tensor labels, double weight)
    {
        if (weight == 0) return network.forward(x, sigma, labels);
        using var scope = NewDisposeScope();
        if (x.device_type == TorchSharp.DeviceType.CPU)
        {
            var withClass = network.forward(x, sigma, labels);
            var withoutClass = network.forward(x, sigma, full_like(labels, NoiseConditionalNetwork.NoClass));
            return (withClass * (1 + weight) - withoutClass * weight).MoveToOuterDisposeScope();
        }
        long rows = x.shape[0];
        var both = network.forward(cat(new[] { x, x }, 0), cat(new[] { sigma, sigma }, 0),
            cat(new[] { labels, full_like(labels, NoiseConditionalNetwork.NoClass) }, 0));
        var conditional = both.narrow(0, 0, rows);
        var unconditional = both.narrow(0, rows, rows);
        return (conditional * (1 + weight) - unconditional * weight).MoveToOuterDisposeScope();
    }
}
