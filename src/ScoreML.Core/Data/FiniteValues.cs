using ScoreML.Data;
using System.Numerics;

namespace ScoreML;

/// <summary>
/// The check that refuses NaN and infinite input, shared by everything that reads rows of numbers (the trainers' column
/// reader, the classifier transformer, the metrics' feature sets): a NaN that got in would not fail, it would come out
/// as a NaN loss, a NaN score or a made-up predicted label. Errors name the 0-based row, the column and the index.
/// </summary>
public static class FiniteValues
{
    /// <summary>The index of the first NaN or infinite value, or -1 when all are finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int width = Vector<float>.Count, i = 0;
        // x - x is 0 for every finite x and NaN for NaN and both infinities: one compare per vector.
        for (; i <= values.Length - width; i += width)
        {
            var v = new Vector<float>(values[i..]);
            if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) break;
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming the row, the column and the index when a value of one row of a data
    /// column is NaN or infinite.
    /// </summary>
    /// <param name="row">The row's values.</param>
    /// <param name="rowIndex">The 0-based row of the data view.</param>
    /// <param name="columnName">The data view's column.</param>
    public static void RequireFiniteRow(ReadOnlySpan<float> row, long rowIndex, string columnName)
    {
        int j = IndexOfNonFinite(row);
        if (j >= 0) throw new InvalidDataException($"Row {rowIndex} of column '{columnName}' holds {row[j]} at index {j}; every value must be finite.");
    }
}
