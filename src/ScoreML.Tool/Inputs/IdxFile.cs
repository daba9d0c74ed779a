using System.Buffers.Binary;
using System.IO.Compression;

namespace ScoreML.Tool.Inputs;

/// <summary>
/// An IDX file (the MNIST format), plain or gzip-compressed (recognised by its magic bytes): unsigned bytes (type 0x08) of
/// shape [n, height, width] are grey images, scaled to [0, 1]; a 2-D [n, d] file of unsigned bytes (scaled the same way) or
/// of float32 (type 0x0D) holds vectors.
/// </summary>
internal static class IdxFile
{
    /// <summary>Whether the bytes start as a gzip or an IDX file does.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && ((start[0] == 0x1f && start[1] == 0x8b) || (start[0] == 0 && start[1] == 0 && start[2] is 0x08 or 0x0D && start[3] is >= 1 and <= 4));

    /// <summary>A 1-dimensional IDX file of unsigned bytes: MNIST's and Fashion-MNIST's label files.</summary>
    public static int[] ReadLabels(string path)
    {
        var (dimensions, values) = ScoreML.Images.Readers.IdxFile.Read(path);   // the library's reader: unsigned bytes, sizes checked
        if (dimensions.Length != 1)
            throw new InvalidDataException($"--labels: IDX file '{path}' has {dimensions.Length} dimensions; a label file (such as " +
                "train-labels-idx1-ubyte.gz) has one.");
        return values.Select(b => (int)b).ToArray();
    }

    public static (float[] Values, int Rows, int Dimension, ImageShape? Shape) Read(string path)
    {
        byte[] bytes = ScoreML.Images.Readers.IdxFile.Decompressed(path);   // gzip or plain, as the library reads it
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"'{path}' is not an IDX file: it must start with the magic bytes 00 00 (after gzip's, if compressed).");
        byte type = bytes[2];
        if (type is not (0x08 or 0x0D))
            throw new InvalidDataException($"IDX file '{path}' holds values of type 0x{type:x2}; unsigned bytes (0x08) and float32 (0x0D) are read.");
        int rank = bytes[3];
        if (rank is not (2 or 3))
            throw new InvalidDataException($"IDX file '{path}' has {rank} dimensions; 3 (images: count x height x width) or 2 (vectors: count x size) are read " +
                "(a 1-dimensional file is a label file, not samples).");
        if (rank == 3 && type != 0x08) throw new InvalidDataException($"IDX file '{path}' holds float images; IDX images are read as unsigned bytes (0x08).");
        if (bytes.Length < 4 + 4 * rank) throw new InvalidDataException($"IDX file '{path}' is truncated in its header.");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] <= 0) throw new InvalidDataException($"IDX file '{path}' declares dimension {i} as {dims[i]}.");
            count *= dims[i];
        }
        int header = 4 + 4 * rank, size = type == 0x08 ? 1 : 4;
        if (count > Array.MaxLength || bytes.Length - header != count * size)
            throw new InvalidDataException($"IDX file '{path}' declares {string.Join(" x ", dims)} values but holds {bytes.Length - header} bytes of them " +
                (bytes.Length - header < count * size ? "(truncated)." : "(extra bytes at the end)."));
        var values = new float[count];
        for (long i = 0; i < count; i++)
            values[i] = size == 1 ? bytes[header + i] / 255f : BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan((int)(header + i * 4)));
        return rank == 3
            ? (values, dims[0], dims[1] * dims[2], new ImageShape(1, dims[1], dims[2]))
            : (values, dims[0], dims[1], null);
    }
}
