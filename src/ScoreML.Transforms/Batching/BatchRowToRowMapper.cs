using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Transforms.Batching;

/// <summary>
/// A <see cref="BatchMapper"/> applied to one row at a time, for ML.NET's PredictionEngine: each new input row (a new
/// <see cref="DataViewRow.Position"/>) is mapped as a batch of one, the first time one of its new columns is read.
/// Only mappers whose rows do not depend on each other or on their place get one (<see cref="BatchMapper.RowByRowRefusal"/>).
/// </summary>
internal sealed class BatchRowToRowMapper : IRowToRowMapper
{
    readonly BatchMapper mapper;

    public BatchRowToRowMapper(DataViewSchema inputSchema, BatchMapper mapper)
    {
        InputSchema = inputSchema;
        this.mapper = mapper;
        OutputSchema = BatchMappedDataView.OutputSchema(inputSchema, mapper);
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var wanted = dependingColumns.ToList();
        var inputs = wanted.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]);
        bool anyNew = wanted.Any(c => c.Index >= InputSchema.Count);
        return (anyNew ? inputs.Concat(mapper.InputsNeeded(InputSchema)) : inputs).DistinctBy(c => c.Index).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    sealed class MappedRow : DataViewRow
    {
        readonly BatchRowToRowMapper parent;
        readonly DataViewRow input;
        readonly HashSet<int> active;
        long mappedPosition = -1;
        Array[]? outputs;

        public MappedRow(BatchRowToRowMapper parent, DataViewRow input, HashSet<int> active)
        {
            this.parent = parent;
            this.input = input;
            this.active = active;
        }

        int First => parent.InputSchema.Count;
        public override DataViewSchema Schema => parent.OutputSchema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < First) return input.GetGetter<TValue>(parent.InputSchema[column.Index]);
            int j = column.Index - First;
            var type = parent.mapper.OutputColumns[j].Type;
            if (type is VectorDataViewType vector)
            {
                if (typeof(TValue) != typeof(VBuffer<float>))
                    throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; read it as VBuffer<float>, not {typeof(TValue).Name}.");
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    var values = (float[])Current()[j];
                    var editor = VBufferEditor.Create(ref value, vector.Size);
                    values.AsSpan(0, vector.Size).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }
            if (typeof(TValue) != typeof(uint))
                throw new InvalidOperationException($"Column '{column.Name}' is a key of UInt32; read it as uint, not {typeof(TValue).Name}.");
            ValueGetter<uint> keyGetter = (ref uint value) => value = ((uint[])Current()[j])[0];
            return (ValueGetter<TValue>)(Delegate)keyGetter;
        }

        // The outputs of the input's current row, mapped as a batch of one when first read at this position.
        Array[] Current()
        {
            if (outputs is null || mappedPosition != input.Position)
            {
                using var one = new OneRowCursor(input);
                var (rows, columns) = parent.mapper.Map(0, 0, 1, one);
                if (rows != 1) throw new InvalidOperationException("The mapper did not map the row it was given.");
                outputs = columns;
                mappedPosition = input.Position;
            }
            return outputs;
        }
    }

    // A cursor over the one row an input row stands on: what a BatchMapper reads a batch from.
    sealed class OneRowCursor : DataViewRowCursor
    {
        readonly DataViewRow row;
        long position = -1;

        public OneRowCursor(DataViewRow row) => this.row = row;

        public override DataViewSchema Schema => row.Schema;
        public override long Position => position;
        public override long Batch => 0;
        public override bool MoveNext() => ++position == 0;
        public override ValueGetter<DataViewRowId> GetIdGetter() => row.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);
    }
}
