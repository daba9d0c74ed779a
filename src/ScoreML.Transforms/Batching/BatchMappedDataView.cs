using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Transforms.Batching;

/// <summary>
/// The input rows plus the columns a <see cref="BatchMapper"/> computes. Input columns pass straight through; the new
/// columns are computed one batch at a time, only when a cursor reads them. A second cursor over the input runs
/// ahead of the first to hand the mapper each batch's rows, so nothing is buffered but the outputs of one batch.
/// </summary>
internal sealed class BatchMappedDataView : IDataView
{
    readonly IDataView input;
    readonly BatchMapper mapper;

    public BatchMappedDataView(IDataView input, BatchMapper mapper)
    {
        this.input = input;
        this.mapper = mapper;
        Schema = OutputSchema(input.Schema, mapper);
    }

    /// <summary>The input's columns followed by the mapper's.</summary>
    public static DataViewSchema OutputSchema(DataViewSchema inputSchema, BatchMapper mapper)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        for (int j = 0; j < mapper.OutputColumns.Count; j++)
            builder.AddColumn(mapper.OutputColumns[j].Name, mapper.OutputColumns[j].Type, mapper.AnnotationsOf(j));
        return builder.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => input.GetRowCount();

    /// <summary>The view this one extends (trainers later in a chain look through it for the model that made it).</summary>
    public IDataView Input => input;
    public BatchMapper Mapper => mapper;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        int first = input.Schema.Count;
        var inputColumns = needed.Where(c => c.Index < first).Select(c => input.Schema[c.Index]);
        bool[] outputs = Enumerable.Range(0, mapper.OutputColumns.Count).Select(j => needed.Any(c => c.Index == first + j)).ToArray();
        return new Cursor(this, input.GetRowCursor(inputColumns), outputs);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    sealed class Cursor : DataViewRowCursor
    {
        readonly BatchMappedDataView parent;
        readonly DataViewRowCursor inner;
        readonly bool[] active;
        DataViewRowCursor? ahead;       // positioned at the end of the last batch it read
        long aheadBatch = -1;           // the batch whose outputs are held
        long aheadRow;                  // its first row
        int aheadRows;                  // its rows
        Array[]? outputs;

        public Cursor(BatchMappedDataView parent, DataViewRowCursor inner, bool[] active)
        {
            this.parent = parent;
            this.inner = inner;
            this.active = active;
        }

        int First => parent.input.Schema.Count;
        public override DataViewSchema Schema => parent.Schema;
        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override bool MoveNext() => inner.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= First ? active[column.Index - First] : inner.IsColumnActive(parent.input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < First) return inner.GetGetter<TValue>(parent.input.Schema[column.Index]);
            int j = column.Index - First;
            if (!active[j]) throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            var type = parent.mapper.OutputColumns[j].Type;
            if (type is VectorDataViewType vector)
            {
                if (typeof(TValue) != typeof(VBuffer<float>))
                    throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; read it as VBuffer<float>, not {typeof(TValue).Name}.");
                int size = vector.Size;
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    var (values, row) = Current<float>(j);
                    var editor = VBufferEditor.Create(ref value, size);
                    values.AsSpan(row * size, size).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }
            if (typeof(TValue) != typeof(uint))
                throw new InvalidOperationException($"Column '{column.Name}' is a key of UInt32; read it as uint, not {typeof(TValue).Name}.");
            ValueGetter<uint> keyGetter = (ref uint value) =>
            {
                var (values, row) = Current<uint>(j);
                value = values[row];
            };
            return (ValueGetter<TValue>)(Delegate)keyGetter;
        }

        // The outputs of the current row's batch, computed on first use.
        (T[] Values, int Row) Current<T>(int column)
        {
            long position = inner.Position;
            var (wanted, firstRow, capacity) = parent.mapper.BatchOf(position);
            if (wanted != aheadBatch)
            {
                long aheadEnd = aheadBatch < 0 ? 0 : aheadRow + aheadRows;   // where the cursor ahead stands
                if (wanted < aheadBatch || ahead is null)
                {
                    ahead?.Dispose();
                    ahead = parent.input.GetRowCursor(parent.mapper.InputsNeeded(parent.input.Schema));
                    aheadBatch = -1;
                    aheadEnd = 0;
                }
                // Skip the rows of batches nobody read.
                for (long skip = firstRow - aheadEnd; skip > 0; skip--)
                    if (!ahead.MoveNext()) throw new InvalidOperationException("The input has fewer rows than the cursor has seen; it must give the same rows on every pass.");
                var (rows, columns) = parent.mapper.Map(wanted, firstRow, capacity, ahead);
                if (position - firstRow >= rows)
                    throw new InvalidOperationException("The input gave fewer rows on a second pass than on the first; it must give the same rows on every pass.");
                outputs = columns;
                aheadBatch = wanted;
                aheadRow = firstRow;
                aheadRows = rows;
            }
            return ((T[])outputs![column], (int)(position - aheadRow));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                ahead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
