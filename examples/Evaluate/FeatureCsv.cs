using System.Globalization;

namespace Evaluate;

/// <summary>
/// A CSV file of one sample per row, no header; with labels, the first column is an integer class label. Every row must
/// have the same number of columns and every value must be a finite number: errors name the file, the line and the column.
/// </summary>
internal sealed record FeatureCsv(string Path, float[] Values, int Dimension, int[]? Labels)
{
    public int Rows => Values.Length / Dimension;

    public static FeatureCsv Read(string path, bool labels)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.");
        var values = new List<float>();
        var classes = new List<int>();
        int columns = -1, line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var fields = text.Split(',');
            if (columns < 0) columns = fields.Length;
            if (fields.Length != columns) throw new InvalidDataException($"{path} line {line}: {fields.Length} columns, but the first row has {columns}.");
            int first = 0;
            if (labels)
            {
                if (!int.TryParse(fields[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int label))
                    throw new InvalidDataException($"{path} line {line}: the label '{fields[0]}' is not an integer (--labels says the first column is the class).");
                classes.Add(label);
                first = 1;
            }
            for (int j = first; j < fields.Length; j++)
            {
                if (!float.TryParse(fields[j].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new InvalidDataException($"{path} line {line} column {j + 1}: '{fields[j]}' is not a finite number.");
                values.Add(v);
            }
        }
        int dimension = columns - (labels ? 1 : 0);
        if (columns < 0 || dimension < 1) throw new InvalidDataException($"{path}: no samples{(labels ? " (with --labels a row needs a label and at least one value)" : "")}.");
        return new FeatureCsv(path, values.ToArray(), dimension, labels ? classes.ToArray() : null);
    }
}
