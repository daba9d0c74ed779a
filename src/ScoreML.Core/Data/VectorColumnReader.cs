using ScoreML.Data;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>Reads a fixed-size float vector column of an IDataView into memory, refusing what would train on garbage.</summary>
public static class VectorColumnReader
{
    /// <summary>The column's fixed vector size, or a clear exception naming the column.</summary>
    public static int RequireFixedSizeFloatVector(DataViewSchema schema, string columnName)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"The input has no column '{columnName}'. Columns present: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(columnName));
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"Column '{columnName}' must be a vector of Single (float); it is {column.Type}.", nameof(columnName));
        if (!vector.IsKnownSize)
            throw new ArgumentException($"Column '{columnName}' must have a known, fixed size; it is of variable length. " +
                "Give it a size, e.g. with [VectorType(n)] or a SchemaDefinition.", nameof(columnName));
        if (vector.Dimensions.Length is not (1 or 3))
            throw new ArgumentException($"Column '{columnName}' has {vector.Dimensions.Length} dimensions ({string.Join(" x ", vector.Dimensions)}); " +
                "it must be a flat vector or an image (channels x height x width).", nameof(columnName));
        return vector.Size;
    }

    /// <summary>
    /// The image shape a column declares, channels x height x width, as ML.NET's <c>ExtractPixels</c> and the project's
    /// image readers type their output; null for a flat vector.
    /// </summary>
    public static ImageShape? ImageShapeOf(DataViewSchema schema, string columnName)
    {
        RequireFixedSizeFloatVector(schema, columnName);
        var dimensions = ((VectorDataViewType)schema[columnName].Type).Dimensions;
        return dimensions.Length == 3 ? new ImageShape(dimensions[0], dimensions[1], dimensions[2]) : null;
    }

    /// <summary>
    /// All rows of the column, row-major. Throws if the data are empty or if any value is NaN or infinite
    /// (the message names the row and the column).
    /// </summary>
    public static (float[] Values, int Rows, int Dimension) ReadAll(IDataView data, string columnName)
    {
        var (values, _, rows, dimension) = Read(data, columnName, null);
        return (values, rows, dimension);
    }

    /// <summary>
    /// The column and a UInt32 key label column (see <see cref="LabelKeys.FromSchema"/>), with labels as 0-based classes.
    /// Also throws for a missing label (key 0), naming the row, and when the rows hold fewer than two classes.
    /// </summary>
    public static (float[] Values, int[] Labels, int Rows, int Dimension) ReadAll(IDataView data, string columnName, string labelColumnName)
    {
        var keys = LabelKeys.FromSchema(data.Schema, labelColumnName);
        var result = Read(data, columnName, labelColumnName);
        int distinct = result.Labels!.Distinct().Count();
        if (distinct < 2)
            throw new ArgumentException($"Every row of label column '{labelColumnName}' holds the same class; a classifier needs at least two of its {keys.Count}.", nameof(data));
        return (result.Values, result.Labels!, result.Rows, result.Dimension);
    }

    static (float[] Values, int[]? Labels, int Rows, int Dimension) Read(IDataView data, string columnName, string? labelColumnName)
    {
        int dimension = RequireFixedSizeFloatVector(data.Schema, columnName);
        var column = data.Schema[columnName];
        var labelColumn = labelColumnName is null ? (DataViewSchema.Column?)null : data.Schema[labelColumnName];
        var values = new List<float>();
        var labels = new List<int>();
        long row = 0;
        using (var cursor = data.GetRowCursor(labelColumn is null ? new[] { column } : new[] { column, labelColumn.Value }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var labelGetter = labelColumn is null ? null : cursor.GetGetter<uint>(labelColumn.Value);
            VBuffer<float> buffer = default;
            uint key = 0;
            while (cursor.MoveNext())
            {
                if (labelGetter is not null)
                {
                    labelGetter(ref key);
                    if (key == 0) throw new InvalidDataException($"Row {row} of label column '{labelColumnName}' has no value (a missing key); every row needs a class.");
                    labels.Add((int)key - 1);
                }
                getter(ref buffer);
                if (buffer.Length != dimension)
                    throw new InvalidDataException($"Row {row} of column '{columnName}' has {buffer.Length} values; the column's size is {dimension}.");
                int start = values.Count;
                foreach (float v in buffer.DenseValues()) values.Add(v);
                FiniteValues.RequireFiniteRow(CollectionsMarshal.AsSpan(values)[start..], row, columnName);
                row++;
            }
        }
        if (row == 0) throw new ArgumentException($"The input has no rows; column '{columnName}' needs at least one.", nameof(data));
        return (values.ToArray(), labelColumn is null ? null : labels.ToArray(), checked((int)row), dimension);
    }
}
