using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Transforms;

/// <summary>
/// The input rows plus one generated sample per row. The sample column is filled batch by batch as a
/// cursor reaches it; other columns pass straight through from the input.
/// </summary>
internal sealed class GeneratedDataView : IDataView
{
    readonly IDataView input;
    readonly ScoreModelTransformer transformer;
    readonly Lazy<long> rowCount;

    public GeneratedDataView(IDataView input, ScoreModelTransformer transformer)
    {
        this.input = input;
        this.transformer = transformer;
        Schema = transformer.GetOutputSchema(input.Schema);
        rowCount = new Lazy<long>(CountRows);
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    int GeneratedIndex => Schema.Count - 1;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var inputColumns = needed.Where(c => c.Index < GeneratedIndex).Select(c => input.Schema[c.Index]);
        bool generate = needed.Any(c => c.Index == GeneratedIndex);
        return new Cursor(this, input.GetRowCursor(inputColumns), generate);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    // The last batch is as long as the rows that remain, so the input's length must be known.
    long CountRows()
    {
        if (input.GetRowCount() is long known) return known;
        long count = 0;
        using var cursor = input.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext()) count++;
        return count;
    }

    sealed class Cursor : DataViewRowCursor
    {
        readonly GeneratedDataView parent;
        readonly DataViewRowCursor inner;
        readonly bool generate;
        float[]? batch;
        long batchIndex = -1;

        public Cursor(GeneratedDataView parent, DataViewRowCursor inner, bool generate)
        {
            this.parent = parent;
            this.inner = inner;
            this.generate = generate;
        }

        public override DataViewSchema Schema => parent.Schema;
        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override bool MoveNext() => inner.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index == parent.GeneratedIndex ? generate : inner.IsColumnActive(parent.input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != parent.GeneratedIndex)
                return inner.GetGetter<TValue>(parent.input.Schema[column.Index]);
            if (!generate)
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; read it as VBuffer<float>, not {typeof(TValue).Name}.");
            ValueGetter<VBuffer<float>> getter = GetSample;
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        void GetSample(ref VBuffer<float> value)
        {
            int batchSize = parent.transformer.Sampler.BatchSize;
            int dimension = parent.transformer.Model.Dimension;
            long position = inner.Position;
            long wanted = position / batchSize;
            if (wanted != batchIndex)
            {
                long start = wanted * batchSize;
                int rows = (int)Math.Min(batchSize, parent.rowCount.Value - start);
                batch = parent.transformer.GenerateBatch(wanted, rows);
                batchIndex = wanted;
            }
            int offset = (int)(position - batchIndex * batchSize) * dimension;
            var editor = VBufferEditor.Create(ref value, dimension);
            batch.AsSpan(offset, dimension).CopyTo(editor.Values);
            value = editor.Commit();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
