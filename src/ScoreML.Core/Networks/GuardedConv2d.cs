using ScoreML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The image networks' 2-D convolution (same parameters, names and initialisation as <c>nn.Conv2d</c>, so saved weights
/// are unchanged), with a guard against faulty libtorch kernels: on the CPU in float32, when a channel count is not a
/// width libtorch is right with (16, or a multiple of 32), the input is padded with zero channels and the weight with zero
/// slices up to the next such width, convolved, and the extra output channels are sliced off. Values and gradients equal the plain convolution's up to
/// rounding; only the kernel libtorch picks differs. Why: libtorch 2.10 (TorchSharp-cpu 0.107) gets such convolutions wrong
/// on AVX-512 CPUs such as the family-26 AMD EPYC (errors of order 1, or NaN): the input gradient when the output channels
/// are not a multiple of 16, the forward pass when the input channels are above 16 and not a multiple of 16, and the strided
/// input gradient with 48 input channels. With both counts 16 or a multiple of 32, every shape probed was right (see
/// docs/reliability.md and <see cref="ConvolutionGuard"/>).
/// </summary>
public sealed class GuardedConv2d : nn.Module<Tensor, Tensor>
{

#pragma warning disable IDE0044 // registered by RegisterComponents; the names become the state-dict names "weight" and "bias"
    Parameter weight;
    Parameter? bias;
#pragma warning restore IDE0044
    readonly long[] strides, padding;

    /// <summary>A convolution with zero padding of kernel / 2 on each side (the "same" size for odd kernels at stride 1),
    /// initialised as <c>nn.Conv2d</c> from the global generator.</summary>
    /// <param name="inputs">Input channels, positive.</param>
    /// <param name="outputs">Output channels, positive.</param>
    /// <param name="kernel">Kernel height and width, positive.</param>
    /// <param name="stride">Stride in both directions, positive.</param>
    /// <param name="bias">Whether the convolution has a bias.</param>
    public GuardedConv2d(int inputs, int outputs, int kernel, int stride = 1, bool bias = true) : base(nameof(GuardedConv2d))
    {
        if (inputs <= 0) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "A convolution needs at least one input channel.");
        if (outputs <= 0) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "A convolution needs at least one output channel.");
        if (kernel <= 0) throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "The kernel size must be positive.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be positive.");
        InputChannels = inputs;
        OutputChannels = outputs;
        KernelSize = kernel;
        strides = new long[] { stride, stride };
        padding = new long[] { kernel / 2, kernel / 2 };
        // PyTorch's default initialisation, uniform in +-1/sqrt(fan_in), from the global generator (SeededLayers reseeds).
        double bound = 1.0 / Math.Sqrt(inputs * kernel * kernel);
        weight = new Parameter(rand(outputs, inputs, kernel, kernel) * (2 * bound) - bound);
        this.bias = bias ? new Parameter(rand(outputs) * (2 * bound) - bound) : null;
        RegisterComponents();
    }

    /// <summary>Input channels of the convolution (before any guard padding).</summary>
    public int InputChannels { get; }
    /// <summary>Output channels of the convolution (before any guard padding).</summary>
    public int OutputChannels { get; }
    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; }
    /// <summary>The weight, [OutputChannels, InputChannels, KernelSize, KernelSize] (state-dict name "weight").</summary>
    public Tensor Weight => weight;
    /// <summary>The bias, [OutputChannels] (state-dict name "bias"); null for a convolution without one.</summary>
    public Tensor? Bias => bias;

    /// <summary>Whether a call on <paramref name="x"/> takes the zero-padded path.</summary>
    public bool IsGuarded(Tensor x) =>
        ConvolutionGuard.Enabled && x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32
        && (SafeWidth(InputChannels) != InputChannels || SafeWidth(OutputChannels) != OutputChannels || BatchPadding(x) != 0);

    /// <summary>
    /// Zero rows to add to the batch when a second derivative may be taken through this call (gradients on, and both the
    /// input and the weight require them: the DLSM loss, sliced score matching). libtorch computes the weight part of a
    /// convolution's double backward as a convolution whose input channels are the batch, and on the AVX-512 CPUs that
    /// convolution is wrong (NaN) for batches above 16 that are not a multiple of 16 (24 and 250 failed, 1-16, 32, 48, 64 and
    /// 256 were right). Zero rows change no value or gradient of the real rows.
    /// </summary>
    long BatchPadding(Tensor x)
    {
        if (!is_grad_enabled() || !x.requires_grad || !weight.requires_grad) return 0;
        long rows = x.shape[0];
        return rows <= 16 ? 0 : SafeWidth((int)Math.Min(rows, int.MaxValue / 2)) - rows;
    }

    /// <param name="x">[B, inputs, H, W].</param>
    public override Tensor forward(Tensor x)
    {
        if (!IsGuarded(x)) return nn.functional.conv2d(x, weight, bias, strides, padding);
        using var scope = NewDisposeScope();
        long extraInputs = SafeWidth(InputChannels) - InputChannels, extraOutputs = SafeWidth(OutputChannels) - OutputChannels;
        long rows = x.shape[0], extraRows = BatchPadding(x);
        // pad() takes (before, after) pairs from the last dimension back: kernel width, kernel height, inputs, outputs.
        var paddedWeight = nn.functional.pad(weight, new long[] { 0, 0, 0, 0, 0, extraInputs, 0, extraOutputs });
        var paddedBias = bias is null ? null : nn.functional.pad(bias, new long[] { 0, extraOutputs });
        // and for the input: width, height, channels, batch.
        var paddedInput = extraInputs == 0 && extraRows == 0 ? x : nn.functional.pad(x, new long[] { 0, 0, 0, 0, 0, extraInputs, 0, extraRows });
        var y = nn.functional.conv2d(paddedInput, paddedWeight, paddedBias, strides, padding);
        if (extraRows != 0) y = y.narrow(0, 0, rows);
        if (extraOutputs != 0) y = y.narrow(1, 0, OutputChannels);
        return (extraRows != 0 || extraOutputs != 0 ? y.contiguous() : y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The smallest channel count at least <paramref name="channels"/> that libtorch's float32 CPU kernels were found right
    /// with: 16, or a multiple of 32. (Multiples of 16 were not enough: 48 input channels at stride 2 still failed.)
    /// </summary>
    public static int SafeWidth(int channels) => channels <= 16 ? 16 : (channels + 31) / 32 * 32;
}
