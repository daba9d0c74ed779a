using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Transforms.Batching;

/// <summary>The row-to-row mapper of a transformer that leaves rows of this schema as they are (a score model's data rows).</summary>
internal sealed class PassThroughRowMapper : IRowToRowMapper
{
    public PassThroughRowMapper(DataViewSchema schema) => InputSchema = schema;

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema => InputSchema;
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) => dependingColumns;
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) => input;
}
