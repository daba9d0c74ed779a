using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A network f(x, sigma) of flat data rows x [B, D] and noise levels sigma [B]: a score network (D outputs) or a
/// classifier (one logit per class). Everything that trains or uses networks (objectives, samplers, guidance, feature
/// extractors) sees only this, so vector networks (<see cref="NoiseConditionalMlp"/>) and image networks
/// (<see cref="NoiseConditionalUNet"/>, <see cref="NoiseConditionalResNet"/>, which view each row as channels x height
/// x width) are interchangeable. The built-in networks invoke their layers with call(), not forward(), so a forward hook
/// registered on any layer (register_forward_hook, as in PyTorch) sees that layer's input and output.
/// </summary>
public abstract class NoiseConditionalNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The class of a row that names none: a class-conditional network then gives its unconditional output.</summary>
    public const long NoClass = -1;

    /// <param name="name">The module's name (the derived type's name, by convention).</param>
    /// <param name="dimension">The width D of an input row, positive.</param>
    /// <param name="outputs">The width of an output row, positive.</param>
    protected NoiseConditionalNetwork(string name, int dimension, int outputs) : this(name, dimension, outputs, 0) { }

    /// <param name="name">The module's name (the derived type's name, by convention).</param>
    /// <param name="dimension">The width D of an input row, positive.</param>
    /// <param name="outputs">The width of an output row, positive.</param>
    /// <param name="conditionClasses">The number of classes the network is conditioned on: 0 for an unconditional network,
    /// otherwise at least 2.</param>
    protected NoiseConditionalNetwork(string name, int dimension, int outputs, int conditionClasses) : base(name)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The input dimension must be positive.");
        if (outputs <= 0) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "The output width must be positive.");
        if (conditionClasses < 0 || conditionClasses == 1)
            throw new ArgumentOutOfRangeException(nameof(conditionClasses), conditionClasses, "A class-conditional network needs at least two classes (0: unconditional).");
        Dimension = dimension;
        Outputs = outputs;
        ConditionClasses = conditionClasses;
    }

    /// <summary>The width D of an input row.</summary>
    public int Dimension { get; }

    /// <summary>The width of an output row (D for a score, the class count for a classifier).</summary>
    public int Outputs { get; }

    /// <summary>
    /// The number of classes the network is conditioned on (a learned class embedding beside the noise level's), or 0 for an
    /// unconditional network. A class-conditional network's <c>forward(x, sigma)</c> is its output for "no class".
    /// </summary>
    public int ConditionClasses { get; }

    /// <summary>
    /// The output for rows of the given classes: <paramref name="classes"/> is [B] Int64, each 0..<see cref="ConditionClasses"/>-1
    /// or <see cref="NoClass"/>. Throws <see cref="NotSupportedException"/> for a network that is not class-conditional.
    /// </summary>
    /// <param name="x">[B, D] inputs.</param>
    /// <param name="sigma">[B] noise levels.</param>
    /// <param name="classes">[B] Int64 classes.</param>
    public virtual Tensor forward(Tensor x, Tensor sigma, Tensor classes) =>
        throw new NotSupportedException($"{GetName()} is not class-conditional: it takes no classes. Train a score model with a label column " +
            "(ScoreModelOptions.LabelColumnName) for one that does.");

    /// <summary>Whether the output is divided by sigma (a score network predicting -z / sigma); classifiers must not be.</summary>
    public abstract bool ScalesOutputBySigma { get; }

    /// <summary>Throws unless <paramref name="x"/> is [B, Dimension] and <paramref name="sigma"/> is [B].</summary>
    protected void RequireInputs(Tensor x, Tensor sigma, string shape)
    {
        if (x.dim() != 2 || x.shape[1] != Dimension)
            throw new ArgumentException($"{GetName()} takes rows of {Dimension} values ({shape}); it was given a tensor of shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (sigma.dim() != 1 || sigma.shape[0] != x.shape[0])
            throw new ArgumentException($"{GetName()} takes one noise level per row: {x.shape[0]} rows but sigma has shape [{string.Join(", ", sigma.shape)}].", nameof(sigma));
    }

    /// <summary>Throws unless <paramref name="classes"/> is one Int64 per row of <paramref name="x"/>.</summary>
    protected void RequireClasses(Tensor x, Tensor classes)
    {
        if (classes.dim() != 1 || classes.shape[0] != x.shape[0] || classes.dtype != ScalarType.Int64)
            throw new ArgumentException($"{GetName()} takes one Int64 class per row: {x.shape[0]} rows but the classes are a {classes.dtype} tensor of shape " +
                $"[{string.Join(", ", classes.shape)}].", nameof(classes));
    }

    /// <summary>
    /// The activations that feed the output layer, [B, width]: the features a "domain feature" extractor uses (a
    /// classifier's features for FID on data where no Inception network is at hand).
    /// </summary>
    public abstract Tensor PenultimateFeatures(Tensor x, Tensor sigma);
}
