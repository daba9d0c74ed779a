using System.IO.Compression;

namespace ScoreML.Images.Readers;

/// <summary>
/// One IDX file (the MNIST format): magic 0x00 0x00, a type byte (0x08: unsigned bytes, the only type image and label files
/// use), the number of dimensions, each dimension as a big-endian 32-bit count, then the values. Gzip-compressed files
/// (.gz, as distributed) are recognised by their own magic bytes, not by name.
/// </summary>
internal static class IdxFile
{
    public static (int[] Dimensions, byte[] Values) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        byte[] bytes = Decompressed(path);
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"'{path}' is not an IDX file: it must start with the magic bytes 00 00 (type, dimensions); it starts with " +
                $"{string.Join(" ", bytes.Take(4).Select(b => b.ToString("x2")))}.");
        if (bytes[2] != 0x08)
            throw new InvalidDataException($"IDX file '{path}' holds values of type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are read.");
        int rank = bytes[3];
        if (rank < 1 || bytes.Length < 4 + 4 * rank)
            throw new InvalidDataException($"IDX file '{path}' is truncated: its header declares {rank} dimensions but the file has {bytes.Length} bytes.");
        var dimensions = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dimensions[i] = (bytes[4 + 4 * i] << 24) | (bytes[5 + 4 * i] << 16) | (bytes[6 + 4 * i] << 8) | bytes[7 + 4 * i];
            if (dimensions[i] <= 0) throw new InvalidDataException($"IDX file '{path}' declares dimension {i} as {dimensions[i]}.");
            count *= dimensions[i];
        }
        int header = 4 + 4 * rank;
        if (bytes.Length - header != count)
            throw new InvalidDataException($"IDX file '{path}' declares {string.Join(" x ", dimensions)} = {count} values but holds {bytes.Length - header} " +
                (bytes.Length - header < count ? "(truncated)." : "(extra bytes at the end)."));
        return (dimensions, bytes[header..]);
    }

    /// <summary>The file's bytes, decompressed when they are gzip (recognised by gzip's magic bytes, not by the name); the scoreml
    /// tool reads its IDX inputs through this too.</summary>
    internal static byte[] Decompressed(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            try
            {
                using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                bytes = output.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"IDX file '{path}' is gzip-compressed but cannot be decompressed (truncated or damaged): {e.Message}", e);
            }
        }
        return bytes;
    }
}
