using System.Globalization;
using System.Text;

namespace ScoreML.Tool.Inputs;

/// <summary>
/// A CSV file of floats: one sample per line, comma-separated, no header, every line with the same number of values; blank
/// lines are skipped. Errors name the file, the line and the column. Written with the shortest text that reads back as the
/// same float32, so a CSV round trip is exact.
/// </summary>
internal static class CsvFile
{
    public static (float[] Values, int Rows, int Columns) Read(string path, CancellationToken cancellation)
    {
        var values = new List<float>();
        int columns = -1, line = 0, rows = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if ((line & 0xFFF) == 0) cancellation.ThrowIfCancellationRequested();
            var fields = text.Split(',');
            if (columns < 0) columns = fields.Length;
            if (fields.Length != columns)
                throw new InvalidDataException($"CSV file '{path}' line {line}: {fields.Length} columns, but the first row has {columns}.");
            for (int j = 0; j < fields.Length; j++)
            {
                if (!float.TryParse(fields[j].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new InvalidDataException($"CSV file '{path}' line {line} column {j + 1}: '{fields[j].Trim()}' is not a finite number " +
                        (line == 1 ? "(the file must have no header line)." : "."));
                values.Add(v);
            }
            rows++;
        }
        if (rows == 0) throw new InvalidDataException($"CSV file '{path}' holds no samples.");
        return (values.ToArray(), rows, columns);
    }

    public static void Write(string path, ReadOnlySpan<float> values, int rows, int columns)
    {
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                if (c > 0) text.Append(',');
                text.Append(values[r * columns + c].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
