namespace ScoreML.Transforms.Sampling;

/// <summary>Seeds of the sampling noise, so that a batch's samples depend only on the sampler seed and the batch's place.</summary>
internal static class SamplerSeeds
{
    /// <summary>SplitMix64 of (seed, batch): well-separated streams for neighbouring batches and seeds.</summary>
    public static ulong ForBatch(long seed, long batch)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)batch + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
