using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Transforms.Batching;

/// <summary>What the sampling transformers share about their request rows: the per-row seed column and the first batch's size.</summary>
internal static class SeedColumns
{
    /// <summary>
    /// Rows of a sampling view's first batch: ML.NET's <c>Preview()</c> shows 100 rows by default, so a preview generates those
    /// and no more, while a full read pays for one smaller batch before the batches of SamplerOptions.BatchSize.
    /// </summary>
    public const int FirstBatchRows = 100;

    /// <summary>Refuses a request schema without the seed column, or with one of another type than Int32, Int64 or UInt32.</summary>
    public static void Check(DataViewSchema schema, string seedColumn)
    {
        var column = schema.GetColumnOrNull(seedColumn)
            ?? throw new ArgumentException($"The requests have no seed column '{seedColumn}'. Columns present: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(schema));
        if (column.Type != NumberDataViewType.Int32 && column.Type != NumberDataViewType.Int64 && column.Type != NumberDataViewType.UInt32)
            throw new ArgumentException($"Seed column '{seedColumn}' must be Int32, Int64 or UInt32; it is {column.Type}.", nameof(schema));
    }

    /// <summary>Reads the seed column of the row <paramref name="row"/> stands on, widened to long.</summary>
    public static Func<long> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type == NumberDataViewType.Int64)
        {
            var getter = row.GetGetter<long>(column);
            long value = 0;
            return () => { getter(ref value); return value; };
        }
        if (column.Type == NumberDataViewType.UInt32)
        {
            var getter = row.GetGetter<uint>(column);
            uint value = 0;
            return () => { getter(ref value); return value; };
        }
        var intGetter = row.GetGetter<int>(column);
        int intValue = 0;
        return () => { intGetter(ref intValue); return intValue; };
    }
}
