namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// Splits a loop over rows into one contiguous range per core: the managed scans of the metrics (centring, norms, block
/// scans) run on all cores while libtorch's matrix products, which use them too, are not running.
/// </summary>
internal static class ParallelRanges
{
    /// <summary>Runs <paramref name="body"/>(start, count) on contiguous ranges of [0, count) in parallel, one per core.</summary>
    public static void For(int count, Action<int, int> body)
    {
        int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, count));
        if (parts == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, parts, part =>
        {
            int start = (int)((long)count * part / parts);
            int end = (int)((long)count * (part + 1) / parts);
            body(start, end - start);
        });
    }
}
