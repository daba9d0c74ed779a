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

    /// <summary>The columns appended to the input, in order. Types: a known-size vector of Single, or a UInt32 key.</summary>
    public abstract IReadOnlyList<(string Name, DataViewType Type)> OutputColumns { get; }

    /// <summary>Annotations of output column <paramref name="column"/> (for example a key column's KeyValues), or null.</summary>
    public virtual DataViewSchema.Annotations? AnnotationsOf(int column) => null;

    /// <summary>The input columns <see cref="Map"/> reads (their getters are valid on the cursor it receives).</summary>
    public abstract IEnumerable<DataViewSchema.Column> InputsNeeded(DataViewSchema inputSchema);

    /// <summary>
    /// Reads the batch's rows (at most <see cref="BatchSize"/>, fewer at the end) by moving <paramref name="rows"/> forward,
    /// and returns one array per output column: float[rows * size] for a vector column, uint[rows] for a key column.
    /// </summary>
    public abstract (int Rows, Array[] Columns) Map(long batchIndex, DataViewRowCursor rows);
}
