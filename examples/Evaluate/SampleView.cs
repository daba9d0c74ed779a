using Microsoft.ML;
using Microsoft.ML.Data;

namespace Evaluate;

/// <summary>
/// Samples from a CSV as an ML.NET view: a <c>Features</c> vector column and, with labels, a key column <c>Label</c> whose
/// KeyValues are the original integer labels as text (so class-wise metrics report them).
/// </summary>
internal static class SampleView
{
    public static IDataView Create(MLContext ml, FeatureCsv csv, int[]? classValues)
    {
        int d = csv.Dimension;
        var rows = Enumerable.Range(0, csv.Rows).Select(i => new Row
        {
            Features = csv.Values.AsSpan(i * d, d).ToArray(),
            Label = classValues is null ? 0 : (uint)Array.BinarySearch(classValues, csv.Labels![i]),
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        if (classValues is null)
        {
            schema[nameof(Row.Label)].ColumnType = NumberDataViewType.UInt32;
        }
        else
        {
            schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), classValues.Length);
            var names = classValues.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture).AsMemory()).ToArray();
            schema[nameof(Row.Label)].AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(names.Length, names),
                new VectorDataViewType(TextDataViewType.Instance, names.Length));
        }
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    // LoadFromEnumerable adds one to key values it reads from a class: class c is stored as c and reads as key c + 1.
    sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
