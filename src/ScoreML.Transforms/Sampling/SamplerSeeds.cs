using static TorchSharp.torch;

namespace ScoreML.Transforms.Sampling;

/// <summary>
/// Seeds of the sampling noise: the keys of the rows' own noise streams (<see cref="RowNoise"/>), from the sampler seed and
/// each row's place in the request stream, so that a row's sample depends on neither its batch nor its neighbours; and the
/// per-batch seed of <see cref="SamplingContext.Generator"/>.
/// </summary>
internal static class SamplerSeeds
{
    /// <summary>SplitMix64 of (seed, index): well-separated streams for neighbouring seeds and indices.</summary>
    public static ulong Mix(long seed, long index) =>
        RowNoise.Mix(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL));

    /// <summary>The seed of batch <paramref name="batch"/>'s generator.</summary>
    public static ulong ForBatch(long seed, long batch) => Mix(seed, batch);

    /// <summary>The keys of <paramref name="count"/> rows from row <paramref name="firstRow"/> of a request stream sampled with <paramref name="seed"/>.</summary>
    public static ulong[] ForRows(long seed, long firstRow, int count)
    {
        var keys = new ulong[count];
        for (int i = 0; i < count; i++) keys[i] = Mix(seed, firstRow + i);
        return keys;
    }

    /// <summary>The key of a request row that carries a seed of its own: that seed alone, wherever the row stands.</summary>
    public static ulong ForSeededRow(long rowSeed) => Mix(rowSeed, 0);

    /// <summary>
    /// Keys of <paramref name="count"/> rows for a caller that has only a generator: one 64-bit base drawn from it (so the
    /// generator's seed still decides the samples), then row i's key from (base, i). Row i then depends on the generator
    /// and i, not on the other rows.
    /// </summary>
    public static ulong[] FromGenerator(Generator generator, long count, Device device)
    {
        using var scope = NewDisposeScope();
        // Two 32-bit halves: randint's bounds are int64, so a full 64-bit range cannot be asked for in one draw.
        var halves = randint(0, 1L << 32, new long[] { 2 }, dtype: ScalarType.Int64, device: device, generator: generator).cpu().data<long>().ToArray();
        long baseSeed = unchecked((long)(((ulong)halves[0] << 32) | (ulong)halves[1]));
        var keys = new ulong[count];
        for (long i = 0; i < count; i++) keys[i] = Mix(baseSeed, i);
        return keys;
    }
}
