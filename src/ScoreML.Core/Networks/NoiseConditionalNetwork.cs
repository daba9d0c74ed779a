using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A network f(x, sigma) of flat data rows x [B, D] and noise levels sigma [B]: a score network (D outputs) or a
/// classifier (one logit per class). Everything that trains or uses networks (objectives, samplers, guidance, feature
/// extractors) sees only this, so vector networks (<see cref="NoiseConditionalMlp"/>) and image networks
/// (<see cref="NoiseConditionalUNet"/>, <see cref="NoiseConditionalResNet"/>, which view each row as channels x height
/// x width) are interchangeable.
/// </summary>
public abstract class NoiseConditionalNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    /// <param name="name">The module's name (the derived type's name, by convention).</param>
    /// <param name="dimension">The width D of an input row, positive.</param>
    /// <param name="outputs">The width of an output row, positive.</param>
    protected NoiseConditionalNetwork(string name, int dimension, int outputs) : base(name)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The input dimension must be positive.");
        if (outputs <= 0) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "The output width must be positive.");
        Dimension = dimension;
        Outputs = outputs;
    }

    /// <summary>The width D of an input row.</summary>
    public int Dimension { get; }

    /// <summary>The width of an output row (D for a score, the class count for a classifier).</summary>
    public int Outputs { get; }

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

    /// <summary>
    /// The activations that feed the output layer, [B, width]: the features a "domain feature" extractor uses (a
    /// classifier's features for FID on data where no Inception network is at hand).
    /// </summary>
    public abstract Tensor PenultimateFeatures(Tensor x, Tensor sigma);
}
