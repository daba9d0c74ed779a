using static TorchSharp.torch;

namespace ScoreML.Transforms.Sampling;

/// <summary>
/// Standard normal noise from one counter-based stream per row, so that a row's noise depends only on its 64-bit key and on
/// how much noise the row has drawn, never on which rows share its batch (torch's generator gives a batch one stream, whose
/// draws for a row depend on every row before it). Any position of a stream can be computed directly, which is what lets the
/// rows of one batch be split across batches, processes or machines and still draw the same numbers.
/// </summary>
/// <remarks>
/// Value e of a row's draw starting at position <c>offset</c> is at position p = offset + e; with D values per draw, draw c
/// starts at c D. It is Box–Muller on the uniforms at outputs 2p and 2p + 1 of SplitMix64 with state <c>key</c>, where output
/// i is the SplitMix64 finaliser of key + (i + 1) 0x9E3779B97F4A7C15 (the value SplitMix64 returns on its (i + 1)-th call),
/// mapped to (0, 1) with 53 bits so that ln u is always finite. Computed in double in managed code: the values are the same
/// on every machine and device.
/// </remarks>
internal static class RowNoise
{
    const ulong Gamma = 0x9E3779B97F4A7C15UL;
    const double TwoToMinus53 = 1.0 / (1UL << 53);

    // Below this many values one thread is faster than handing rows to the thread pool.
    const long ParallelThreshold = 65_536;

    /// <summary>The SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijection that mixes every input bit into every output bit.</summary>
    public static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Output <paramref name="index"/> (from 0) of the SplitMix64 stream whose state starts at <paramref name="key"/>.</summary>
    public static ulong Output(ulong key, ulong index) => Mix(unchecked(key + (index + 1) * Gamma));

    /// <summary>The standard normal at position <paramref name="position"/> of the stream of <paramref name="key"/>.</summary>
    public static double Normal(ulong key, ulong position)
    {
        ulong first = unchecked(2 * position);
        double u1 = ((Output(key, first) >> 11) + 0.5) * TwoToMinus53;
        double u2 = ((Output(key, first + 1) >> 11) + 0.5) * TwoToMinus53;
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> ([keys.Length, ...]) whose row i holds the normals at positions
    /// <paramref name="offset"/> onwards of the stream of <paramref name="keys"/>[i], in <paramref name="dtype"/> on <paramref name="device"/>.
    /// </summary>
    public static Tensor Normals(ulong[] keys, ulong offset, long[] shape, ScalarType dtype, Device device)
    {
        if (shape.Length == 0 || shape[0] != keys.Length)
            throw new ArgumentException($"Per-row noise needs one row per key: shape [{string.Join(", ", shape)}] for {keys.Length} rows.", nameof(shape));
        long perRow = 1;
        for (int i = 1; i < shape.Length; i++) perRow *= shape[i];
        if (dtype == ScalarType.Float64)
            return tensor(Fill(keys, offset, perRow, static v => v), shape, ScalarType.Float64, device);
        var values = tensor(Fill(keys, offset, perRow, static v => (float)v), shape, ScalarType.Float32, device);
        if (dtype == ScalarType.Float32) return values;
        using (values) return values.to(dtype);   // half or bfloat16: rounded from float, as randn's would be
    }

    static T[] Fill<T>(ulong[] keys, ulong offset, long perRow, Func<double, T> convert)
    {
        var values = new T[keys.Length * perRow];
        void Row(int row)
        {
            ulong key = keys[row];
            long start = row * perRow;
            for (long e = 0; e < perRow; e++)
                values[start + e] = convert(Normal(key, offset + (ulong)e));
        }
        if (values.LongLength > ParallelThreshold)
            Parallel.For(0, keys.Length, Row);
        else
            for (int row = 0; row < keys.Length; row++) Row(row);
        return values;
    }
}
