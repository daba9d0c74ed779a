using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Transforms.Batching;

/// <summary>
/// Computes new columns for a batch of input rows at once (a network runs far faster on a batch than row by row).
/// <see cref="BatchMappedDataView"/> calls it when a cursor first reads a new column in a batch.
/// </summary>
internal abstract class BatchMapper
{
    /// <summary>Rows per batch.</summary>
    public abstract int BatchSize { get; }

    /// <summary>
    /// Rows of the first batch of a cursor, at most <see cref="BatchSize"/>: the samplers make it small, so that a look at the
    /// first rows (ML.NET's <c>Preview()</c> shows 100) does not generate a whole batch of the size a full read wants. The
    /// batches after it have <see cref="BatchSize"/> rows.
    /// </summary>
    public virtual int FirstBatchSize => BatchSize;

    /// <summary>The batch that holds row <paramref name="position"/>: its index, its first row and how many rows it may hold.</summary>
    public (long Index, long FirstRow, int Capacity) BatchOf(long position)
    {
        int first = Math.Min(FirstBatchSize, BatchSize);
        if (position < first) return (0, 0, first);
        long index = 1 + (position - first) / BatchSize;
        return (index, first + (index - 1) * BatchSize, BatchSize);
    }

    /// <summary>The columns appended to the input, in order. Types: a known-size vector of Single, or a UInt32 key.</summary>
    public abstract IReadOnlyList<(string Name, DataViewType Type)> OutputColumns { get; }

    /// <summary>Annotations of output column <paramref name="column"/> (for example a key column's KeyValues), or null.</summary>
    public virtual DataViewSchema.Annotations? AnnotationsOf(int column) => null;

    /// <summary>The input columns <see cref="Map"/> reads (their getters are valid on the cursor it receives).</summary>
    public abstract IEnumerable<DataViewSchema.Column> InputsNeeded(DataViewSchema inputSchema);

    /// <summary>
    /// Reads the batch's rows (at most <paramref name="capacity"/>, fewer at the end) by moving <paramref name="rows"/> forward,
    /// and returns one array per output column: float[rows * size] for a vector column, uint[rows] for a key column.
    /// <paramref name="firstRow"/> is the batch's first row in the input.
    /// </summary>
    public abstract (int Rows, Array[] Columns) Map(long batchIndex, long firstRow, int capacity, DataViewRowCursor rows);

    /// <summary>
    /// Why this mapper cannot map one row on its own (what a PredictionEngine needs), with what to use instead; null when it can.
    /// <paramref name="inputSchema"/> is the schema of the rows it would map.
    /// </summary>
    public virtual string? RowByRowRefusal(DataViewSchema inputSchema) => null;
}
