using ScoreML.Tool.Inputs;

namespace ScoreML.Tool.Output;

/// <summary>
/// Writes generated rows where <c>--out</c> says: FILE.npy (float32, 2-D), FILE.csv (the shortest text that reads back as
/// the same float32), or a folder of PNG images (image models; pixels in [0, 1] rounded to 8 bits, one file per row named
/// by its row index in the whole run, so the folders of a job's shards together hold one run's images).
/// </summary>
internal static class SampleWriter
{
    public enum Format { Npy, Csv, PngFolder }

    /// <summary>The format <paramref name="output"/> names, refused (naming --out) when it does not fit the rows.</summary>
    public static Format FormatOf(string output, ImageShape? shape, string option = "--out")
    {
        string extension = Path.GetExtension(output).ToLowerInvariant();
        if (extension == ".npy") return Format.Npy;
        if (extension == ".csv") return Format.Csv;
        if (File.Exists(output) || extension.Length > 0)
            throw new UsageException($"{option} '{output}': give a .npy or .csv file, or a folder for PNG images.");
        if (shape is not { Channels: 1 or 3 })
            throw new UsageException($"{option} '{output}' is a folder, for PNG images, but the model generates {(shape is null ? "vectors" : $"{shape.Channels}-channel images")}; give a .npy or .csv file.");
        return Format.PngFolder;
    }

    public static void Write(string output, Format format, float[] values, int rows, int columns, ImageShape? shape, long firstRow, long totalRows)
    {
        switch (format)
        {
            case Format.Npy:
                NpyFile.Write(output, values, rows, columns);
                break;
            case Format.Csv:
                CsvFile.Write(output, values, rows, columns);
                break;
            default:
                Directory.CreateDirectory(output);
                int digits = Math.Max(6, (totalRows - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
                for (int r = 0; r < rows; r++)
                    PngImages.Save(values.AsSpan(r * columns, columns), shape!, PixelScaling.ZeroToOne,
                        Path.Combine(output, (firstRow + r).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0') + ".png"));
                break;
        }
    }
}
