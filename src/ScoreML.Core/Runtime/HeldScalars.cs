using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Runtime;

/// <summary>
/// Powers with a scalar exponent whose native scalar stays alive until libtorch has read it. TorchSharp turns a .NET number
/// into a <see cref="Scalar"/> with a finalizer and passes only its handle to libtorch; once the handle is read the object is
/// unreachable, so a garbage collection on another thread can free the native scalar while the call runs. <c>pow</c> reads
/// its exponent late (after allocating the output, to pick a kernel for 0.5, 2, 3 ...), and a KID loop of millions of calls
/// hit it: "INTERNAL ASSERT FAILED at c10/core/Scalar.h:279" from a freed scalar's garbage type tag. Holding the scalar in
/// a <c>using</c> keeps it reachable until the call has returned.
/// </summary>
internal static class HeldScalars
{
    /// <summary><paramref name="x"/> to the power <paramref name="exponent"/>, as a new tensor.</summary>
    public static Tensor Pow(Tensor x, double exponent)
    {
        using Scalar held = exponent.ToScalar();
        return x.pow(held);
    }
}
