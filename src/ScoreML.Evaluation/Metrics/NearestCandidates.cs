using System.Numerics;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// For each point of a set, the <see cref="Keep"/> smallest fast distances seen so far and the indices of the points they
/// lead to, sorted ascending. A block of distances is offered along its rows (to the row points) or, for the mirrored half
/// of a symmetric block, along its columns (to the column points). A vector compare against each point's current worst
/// kept value rejects almost every value, so offering a block costs about one read of it.
/// </summary>
internal sealed class NearestCandidates
{
    static readonly int Width = Vector<float>.Count;
    readonly float[] values;
    readonly int[] indices;
    readonly float[] worst;   // values[i, Keep - 1], kept contiguous for the column compares

    public NearestCandidates(int points, int keep)
    {
        Points = points;
        Keep = keep;
        values = new float[points * keep];
        indices = new int[points * keep];
        worst = new float[points];
        Array.Fill(values, float.PositiveInfinity);
        Array.Fill(worst, float.PositiveInfinity);
    }

    public int Points { get; }
    public int Keep { get; }
    public int Index(int point, int candidate) => indices[point * Keep + candidate];
    /// <summary>The largest kept value: every value not kept was at least this.</summary>
    public float Worst(int point) => worst[point];

    /// <summary>Row r of the block offers its values to point RowStart + r.</summary>
    public void OfferRows(DistanceBlock block)
    {
        ParallelRanges.For(block.Rows, (start, count) =>
        {
            for (int r = start; r < start + count; r++)
            {
                int point = block.RowStart + r;
                var row = block.Row(r);
                int c = 0;
                for (; c <= row.Length - Width; c += Width)
                {
                    if (!Vector.LessThanAny(new Vector<float>(row[c..]), new Vector<float>(worst[point]))) continue;
                    for (int lane = c; lane < c + Width; lane++) Offer(point, row[lane], block.ColumnStart + lane);
                }
                for (; c < row.Length; c++) Offer(point, row[c], block.ColumnStart + c);
            }
        });
    }

    /// <summary>Column c of the block offers its values to point ColumnStart + c (each thread owns a range of columns).</summary>
    public void OfferColumns(DistanceBlock block)
    {
        ParallelRanges.For(block.Columns, (start, count) =>
        {
            var columnWorst = worst.AsSpan(block.ColumnStart + start, count);
            for (int r = 0; r < block.Rows; r++)
            {
                var row = block.Row(r).Slice(start, count);
                int rowPoint = block.RowStart + r;
                int c = 0;
                for (; c <= row.Length - Width; c += Width)
                {
                    if (!Vector.LessThanAny(new Vector<float>(row[c..]), new Vector<float>(columnWorst[c..]))) continue;
                    for (int lane = c; lane < c + Width; lane++) Offer(block.ColumnStart + start + lane, row[lane], rowPoint);
                }
                for (; c < row.Length; c++) Offer(block.ColumnStart + start + c, row[c], rowPoint);
            }
        });
    }

    /// <summary>Inserts (value, index) into the point's sorted list if it beats the worst kept value.</summary>
    void Offer(int point, float value, int index)
    {
        int first = point * Keep;
        int p = Keep - 1;
        if (!(value < values[first + p])) return;
        for (; p > 0 && values[first + p - 1] > value; p--)
        {
            values[first + p] = values[first + p - 1];
            indices[first + p] = indices[first + p - 1];
        }
        values[first + p] = value;
        indices[first + p] = index;
        worst[point] = values[first + Keep - 1];
    }
}
