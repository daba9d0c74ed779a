using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScoreML.Tool.Inputs;

/// <summary>
/// NumPy's .npy format, as numpy.save writes it: the magic bytes \x93NUMPY, a version, a header length and a header that is
/// a Python dict literal with 'descr', 'fortran_order' and 'shape'. Read here: 2-D arrays of little-endian float32 ('&lt;f4')
/// or float64 ('&lt;f8', rounded to float32), in C order. Written: 2-D float32 arrays, version 1.0.
/// </summary>
internal static partial class NpyFile
{
    static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Whether the bytes start as an .npy file does.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start) => start.StartsWith(Magic);

    /// <summary>The array of <paramref name="path"/>: row-major values, rows and columns. Errors name the file and what is wrong.</summary>
    public static (float[] Values, int Rows, int Columns) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !HasMagic(bytes)) throw new InvalidDataException($"'{path}' is not an .npy file: it does not start with \\x93NUMPY.");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) (headerLength, headerStart) = (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), 10);
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new InvalidDataException($".npy file '{path}' is truncated in its header.");
            (headerLength, headerStart) = ((int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))), 12);
        }
        else throw new InvalidDataException($".npy file '{path}' has format version {major}.{bytes[7]}; versions 1, 2 and 3 are read.");
        if ((long)headerStart + headerLength > bytes.Length) throw new InvalidDataException($".npy file '{path}' is truncated in its header.");
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);

        string descr = Field(header, DescrPattern(), "descr", path);
        if (Field(header, FortranPattern(), "fortran_order", path) != "False")
            throw new InvalidDataException($".npy file '{path}' is in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray).");
        var shapeText = Field(header, ShapePattern(), "shape", path);
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1).ToArray();
        if (shape.Length != 2 || shape.Any(s => s < 0))
            throw new InvalidDataException($".npy file '{path}' holds an array of shape ({shapeText}); one row per sample is needed, a 2-D array (n, d) " +
                "(reshape images to (n, C*H*W) and give --shape CxHxW).");
        int size = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InvalidDataException($".npy file '{path}' holds values of type '{descr}'; little-endian float32 ('<f4') or float64 ('<f8') are read."),
        };
        long count = shape[0] * shape[1];
        long dataStart = headerStart + headerLength;
        if (shape[0] == 0 || shape[1] == 0) throw new InvalidDataException($".npy file '{path}' holds no samples (shape ({shape[0]}, {shape[1]})).");
        if (count > Array.MaxLength) throw new InvalidDataException($".npy file '{path}' holds {count} values, more than one array can.");
        if (bytes.Length - dataStart != count * size)
            throw new InvalidDataException($".npy file '{path}' declares ({shape[0]}, {shape[1]}) values of '{descr}' = {count * size} bytes but holds {bytes.Length - dataStart} " +
                (bytes.Length - dataStart < count * size ? "(truncated)." : "(extra bytes at the end)."));
        var values = new float[count];
        var data = bytes.AsSpan((int)dataStart);
        for (long i = 0; i < count; i++)
            values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(data[(int)(i * 4)..]) : (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(int)(i * 8)..]);
        return (values, (int)shape[0], (int)shape[1]);
    }

    /// <summary>Writes [rows, columns] float32 values as a version 1.0 .npy file, through a temporary file renamed into place.</summary>
    public static void Write(string path, ReadOnlySpan<float> values, int rows, int columns)
    {
        if ((long)rows * columns != values.Length) throw new ArgumentException($"{values.Length} values are not {rows} x {columns}.");
        string header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        // The magic, version and length take 10 bytes; the header is padded with spaces and a newline to a multiple of 64.
        int total = (10 + header.Length + 1 + 63) / 64 * 64;
        header = header.PadRight(total - 10 - 1) + "\n";
        var bytes = new byte[total + (long)values.Length * 4];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(total + i * 4), values[i]);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    static string Field(string header, Regex pattern, string name, string path)
    {
        var match = pattern.Match(header);
        if (!match.Success) throw new InvalidDataException($".npy file '{path}' has a header without '{name}': {header.Trim()}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
