using System.Globalization;

namespace ScoreML.Tool.Inputs;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> of a job (<c>--shard i/N</c>, 0-based as Kubernetes' completion index and
/// Slurm's array task id): it takes a contiguous range of rows, and the N ranges in order are every row once.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    /// <summary>The most shards a job can be split into.</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>Parses "i/N" with 0 &lt;= i &lt; N; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string text, out Shard shard, out string error)
    {
        shard = default;
        error = "";
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            error = $"--shard must be i/N, the 0-based shard index and the number of shards (e.g. 2/4), not '{text}'.";
            return false;
        }
        if (count < 1 || count > MaxCount || index >= count)
        {
            error = $"--shard {text}: the number of shards must be in [1, {MaxCount}] and the index in [0, N - 1].";
            return false;
        }
        shard = new Shard(index, count);
        return true;
    }

    /// <summary>This shard's rows of <paramref name="total"/>: [total i / N, total (i + 1) / N).</summary>
    public (long First, int Count) Rows(long total)
    {
        long first = total * Index / Count, end = total * (Index + 1) / Count;
        return (first, checked((int)(end - first)));
    }

    /// <summary>
    /// This shard's rows of <paramref name="total"/> in whole batches of <paramref name="batchSize"/>: the batches are split
    /// as <see cref="Rows"/> splits rows, so every shard starts on a batch boundary and its batches are those of one run.
    /// </summary>
    public (long First, int Count) BatchAlignedRows(long total, int batchSize)
    {
        long batches = (total + batchSize - 1) / batchSize;
        long firstBatch = batches * Index / Count, endBatch = batches * (Index + 1) / Count;
        long first = Math.Min(total, firstBatch * batchSize), end = Math.Min(total, endBatch * batchSize);
        return (first, checked((int)(end - first)));
    }

    public override string ToString() => $"{Index}/{Count}";
}
