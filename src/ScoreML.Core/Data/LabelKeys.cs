using ScoreML.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML;

/// <summary>
/// The classes of a key-typed label column: how many there are and, when the column carries ML.NET's KeyValues
/// annotation (as MapValueToKey leaves it), the original value of each key, so requests can name a class by its value.
/// </summary>
public sealed class LabelKeys
{
    /// <param name="count">Number of classes, at least 2.</param>
    /// <param name="names">The original label value of each class (0-based), as invariant text, one per class; null when the
    /// column has no KeyValues annotation.</param>
    /// <param name="valueType">The type of the original label values; null when they are not known.</param>
    public LabelKeys(int count, string[]? names = null, DataViewType? valueType = null)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "A label needs at least two classes.");
        if (names is not null && names.Length != count) throw new ArgumentException($"{names.Length} key names for {count} classes.", nameof(names));
        Count = count;
        Names = names;
        ValueType = valueType;
    }

    /// <summary>Number of classes (the key type's count).</summary>
    public int Count { get; }

    /// <summary>The original label value of class c (0-based), as invariant text; null without a KeyValues annotation.</summary>
    public string[]? Names { get; }

    /// <summary>The type of the original label values; null without a KeyValues annotation.</summary>
    public DataViewType? ValueType { get; }

    /// <summary>
    /// ML.NET's KeyValues annotation for a key column of these classes, so MapKeyToValue turns keys back into the original
    /// text labels; null unless the original labels were text.
    /// </summary>
    public DataViewSchema.Annotations? KeyValuesAnnotation()
    {
        if (Names is null || ValueType is not TextDataViewType) return null;
        var builder = new DataViewSchema.Annotations.Builder();
        var names = Names.Select(n => n.AsMemory()).ToArray();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = (ref VBuffer<ReadOnlyMemory<char>> values) =>
            values = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone());
        builder.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, Count), getter);
        return builder.ToAnnotations();
    }

    /// <summary>The 0-based class whose original value is <paramref name="value"/>, or -1.</summary>
    public int ClassOf(string value) => Names is null ? -1 : Array.IndexOf(Names, value);

    /// <summary>
    /// Checks that a request column can name this label's classes: a UInt32 key with the same class count, or, when the
    /// original values are known, a column of their type. Throws a clear exception otherwise.
    /// </summary>
    public void CheckRequestColumn(DataViewSchema schema, string columnName)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"The requests have no label column '{columnName}'. Columns present: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(columnName));
        if (column.Type is KeyDataViewType key)
        {
            if (key.RawType != typeof(uint) || key.Count != (ulong)Count)
                throw new ArgumentException($"Request column '{columnName}' is {key} but the model has {Count} classes (a key of UInt32 with count {Count}); " +
                    "the class counts of the requests and of the model differ.", nameof(columnName));
            return;
        }
        if (ValueType is null)
            throw new ArgumentException($"Request column '{columnName}' holds {column.Type} values, but the model's label had no key values to map them; " +
                $"give the class as a key of UInt32 with count {Count}.", nameof(columnName));
        if (column.Type.RawType != ValueType.RawType)
            throw new ArgumentException($"Request column '{columnName}' holds {column.Type}; give the original label values ({ValueType}) or keys.", nameof(columnName));
    }

    /// <summary>
    /// Reads the 0-based class of the current row of <paramref name="row"/> from a column that passed <see cref="CheckRequestColumn"/>;
    /// throws, naming the row, for a missing key or a label value the model never saw.
    /// </summary>
    public Func<int> ClassReader(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is KeyDataViewType)
        {
            var getter = row.GetGetter<uint>(column);
            uint key = 0;
            return () =>
            {
                getter(ref key);
                if (key == 0) throw new InvalidDataException($"Row {row.Position} of column '{column.Name}' has no class (a missing key).");
                return (int)key - 1;
            };
        }
        var text = (TextOf(column.Type.RawType) ?? throw new ArgumentException($"Column '{column.Name}' of type {column.Type} cannot name a class."))
            .Reader(row, column);
        return () =>
        {
            string value = text();
            int c = ClassOf(value);
            if (c < 0)
                throw new InvalidDataException($"Row {row.Position} of column '{column.Name}' asks for class '{value}', which the model never saw; " +
                    $"it knows {string.Join(", ", Names!.Select(n => $"'{n}'"))}.");
            return c;
        };
    }

    /// <summary>The label's classes as the schema describes them; a clear exception when the column is not a usable key.</summary>
    public static LabelKeys FromSchema(DataViewSchema schema, string labelColumnName)
    {
        var column = schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentException($"The input has no label column '{labelColumnName}'. Columns present: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(labelColumnName));
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentException($"Label column '{labelColumnName}' must be a key type; it is {column.Type}. Map it first, e.g. " +
                $"mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumnName}\").", nameof(labelColumnName));
        if (key.RawType != typeof(uint))
            throw new ArgumentException($"Label column '{labelColumnName}' is a key of {key.RawType.Name}; ScoreML reads keys of UInt32 (MapValueToKey's default).", nameof(labelColumnName));
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentException($"Label column '{labelColumnName}' has {key.Count} classes; a classifier needs at least two.", nameof(labelColumnName));
        var annotation = column.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation?.Type is not VectorDataViewType valuesType) return new LabelKeys((int)key.Count);
        string[] names = TextOf(valuesType.ItemType.RawType)?.KeyNames(column) ?? Array.Empty<string>();
        return names.Length == (int)key.Count ? new LabelKeys((int)key.Count, names, valuesType.ItemType) : new LabelKeys((int)key.Count);
    }

    // Label values as invariant text, for the value types a label column can hold; one generic class per type, chosen once.
    static LabelValueText? TextOf(Type rawType) => rawType switch
    {
        var t when t == typeof(ReadOnlyMemory<char>) => new LabelValueText<ReadOnlyMemory<char>>(),
        var t when t == typeof(float) => new LabelValueText<float>(),
        var t when t == typeof(double) => new LabelValueText<double>(),
        var t when t == typeof(int) => new LabelValueText<int>(),
        var t when t == typeof(long) => new LabelValueText<long>(),
        var t when t == typeof(uint) => new LabelValueText<uint>(),
        var t when t == typeof(bool) => new LabelValueText<bool>(),
        _ => null,
    };

    abstract class LabelValueText
    {
        public abstract string[] KeyNames(DataViewSchema.Column keyColumn);
        public abstract Func<string> Reader(DataViewRow row, DataViewSchema.Column column);
    }

    sealed class LabelValueText<T> : LabelValueText
    {
        static string Format(T value) => value switch
        {
            float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "",
        };

        public override string[] KeyNames(DataViewSchema.Column keyColumn)
        {
            VBuffer<T> values = default;
            keyColumn.GetKeyValues(ref values);
            return values.DenseValues().Select(Format).ToArray();
        }

        public override Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<T>(column);
            T value = default!;
            return () =>
            {
                getter(ref value);
                return Format(value);
            };
        }
    }
}
