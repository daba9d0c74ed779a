using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Benchmarks;

/// <summary>
/// The floor of issue 22's image steps: the convolution FLOPs of a step over this machine's float32 convolution rate plus its
/// matrix-product FLOPs over the matrix-product rate, both rates measured in the same process just before. Everything else
/// a step does (normalisation, activations, the optimiser) counts as zero, so no implementation can beat the floor.
/// FLOPs are counted, not estimated: a forward hook on every convolution and linear layer of the real network reads the
/// shapes of one forward pass (the networks invoke their layers with call(), so the hooks fire); the attention's two
/// batched products, which are not layers, are counted from its query convolution's output.
/// </summary>
internal static class StepFloors
{
    /// <summary>FLOPs of one forward pass over <paramref name="rows"/> rows: convolutions, matrix products, and the first layer's share.</summary>
    public sealed record ForwardFlops(double Convolution, double MatrixProduct, double FirstLayer)
    {
        public double Total => Convolution + MatrixProduct;
    }

    public static ForwardFlops Count(NoiseConditionalNetwork network, int rows, int dimension)
    {
        double convolution = 0, matrixProduct = 0, firstLayer = -1;
        foreach (var (name, module) in network.named_modules())
        {
            if (module is GuardedConv2d conv)
            {
                bool attentionQuery = name.EndsWith(".query", StringComparison.Ordinal);
                conv.register_forward_hook((_, _, output) =>
                {
                    // 2 * (outputs) * (inputs per output: input channels x kernel area), at the layer's own, unpadded widths.
                    double flops = 2.0 * output.numel() * conv.InputChannels * conv.KernelSize * conv.KernelSize;
                    convolution += flops;
                    if (firstLayer < 0) firstLayer = flops;   // the first convolution to run reads the input rows
                    if (attentionQuery)
                    {
                        // softmax(Q K^T) V: two [HW x HW x C] products per row.
                        long b = output.shape[0], c = output.shape[1], positions = output.shape[2] * output.shape[3];
                        matrixProduct += 2 * 2.0 * b * positions * positions * c;
                    }
                    return output;   // unchanged
                });
            }
            else if (module is Linear linear)
            {
                linear.register_forward_hook((_, _, output) =>
                {
                    matrixProduct += 2.0 * output.numel() * linear.weight!.shape[1];
                    return output;   // unchanged
                });
            }
        }
        using (var scope = NewDisposeScope())
        using (no_grad())
            network.forward(rand(rows, dimension), full(rows, 1f));
        return new ForwardFlops(convolution, matrixProduct, firstLayer);
    }

    /// <summary>
    /// The FLOPs of each step, from forward counts: a training step is the forward and the backward, whose weights' and
    /// inputs' gradients each cost a forward (the first layer's input needs none). DLSM + CE adds the classifier's input
    /// gradient with create_graph (a forward's worth), two products per layer back through it, and the forward graph's
    /// backward, to the frozen prior's forward. A sampler step is the U-Net's forward; guided, plus the classifier's forward
    /// and its input gradient.
    /// </summary>
    public static Dictionary<string, (double Convolution, double MatrixProduct)> Steps(ForwardFlops unetTrain, ForwardFlops resnetTrain, ForwardFlops unetSample, ForwardFlops resnetSample)
    {
        (double, double) Scale(ForwardFlops f, double k, double lessFirst = 0) => (k * f.Convolution - lessFirst * f.FirstLayer, k * f.MatrixProduct);
        (double, double) Add((double C, double M) a, (double C, double M) b) => (a.C + b.C, a.M + b.M);
        return new Dictionary<string, (double, double)>
        {
            ["score"] = Scale(unetTrain, 3, lessFirst: 1),
            ["dlsm"] = Add(Scale(unetTrain, 1), Scale(resnetTrain, 6, lessFirst: 1)),
            ["sampler"] = Scale(unetSample, 1),
            ["guided"] = Add(Scale(unetSample, 1), Scale(resnetSample, 2)),
        };
    }

    /// <summary>
    /// libtorch's float32 convolution rate here: the best median over the 3x3 convolutions that carry most of the U-Net's and
    /// the ResNet's FLOPs (forward; its backward runs the same kernels' kind), in GFLOPS, with every shape's rate.
    /// </summary>
    public static (double Best, Dictionary<string, double> ByShape) ConvolutionRate(int repeats)
    {
        var shapes = new (int Batch, int Inputs, int Outputs, int Size)[]
        {
            (64, 32, 32, 28), (64, 64, 64, 14), (64, 64, 64, 28), (250, 64, 64, 14), (64, 128, 128, 7), (64, 256, 256, 4),
        };
        var byShape = new Dictionary<string, double>();
        foreach (var (batch, inputs, outputs, size) in shapes)
        {
            using var x = randn(batch, inputs, size, size);
            using var w = randn(outputs, inputs, 3, 3);
            double flops = 2.0 * batch * outputs * size * size * inputs * 9;
            var rates = new List<double>();
            for (int r = -1; r < Math.Max(3, repeats); r++)   // one warm-up
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < 5; i++) nn.functional.conv2d(x, w, padding: new long[] { 1, 1 });
                if (r >= 0) rates.Add(5 * flops / clock.Elapsed.TotalSeconds / 1e9);
            }
            byShape[$"b{batch}_{inputs}to{outputs}_{size}x{size}"] = Math.Round(rates.Order().ElementAt(rates.Count / 2), 1);
        }
        return (byShape.Values.Max(), byShape);
    }
}
