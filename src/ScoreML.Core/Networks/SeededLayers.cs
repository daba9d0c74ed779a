using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Networks;

/// <summary>
/// Layers initialised from a given generator, so that the same seed gives the same network whatever else used libtorch's
/// global generator before. Weights and biases follow PyTorch's defaults (uniform in +-1/sqrt(fan_in)); <c>zero</c> starts a
/// layer at 0, which makes a residual branch start as the identity.
/// </summary>
internal static class SeededLayers
{
    public static Linear Linear(int inputs, int outputs, Generator generator, bool zero = false)
    {
        var layer = nn.Linear(inputs, outputs);
        Initialise(layer.weight!, layer.bias, inputs, generator, zero);
        return layer;
    }

    /// <summary>A "same"-padded convolution; <see cref="GuardedConv2d"/> says why it is not libtorch's Conv2d.</summary>
    public static GuardedConv2d Conv(int inputs, int outputs, int kernel, Generator generator, int stride = 1, bool zero = false)
    {
        var layer = new GuardedConv2d(inputs, outputs, kernel, stride);
        Initialise(layer.Weight, layer.Bias, inputs * kernel * kernel, generator, zero);
        return layer;
    }

    static void Initialise(Tensor weight, Tensor? bias, int fanIn, Generator generator, bool zero)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        using (no_grad())
        {
            if (zero) weight.zero_();
            else weight.copy_(rand(weight.shape, generator: generator) * (2 * bound) - bound);
            if (bias is null) return;
            if (zero) bias.zero_();
            else bias.copy_(rand(bias.shape, generator: generator) * (2 * bound) - bound);
        }
    }
}
