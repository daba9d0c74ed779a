using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// Managed views of a contiguous CPU tensor's native memory, no copy. Work buffers live in native tensors rather than in
/// managed arrays so that they are freed the moment they are disposed: pinned managed arrays of this size would wait for a
/// full garbage collection, and repeated evaluations would pile them up.
/// </summary>
internal static class TensorMemory
{
    public static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
    public static Span<double> Doubles(Tensor tensor) => MemoryMarshal.Cast<byte, double>(tensor.bytes);
}
