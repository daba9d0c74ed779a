using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace ScoreML.Transforms.Persistence;

/// <summary>
/// Stores a package's bytes in an ML.NET model zip through public ML.NET transformers only: a chain of the
/// <see cref="SavedTransformerMarker"/> CustomMapping and a ValueMapping whose lookup table maps chunk numbers to byte
/// chunks (ML.NET saves that table as a compressed binary IDataView inside the zip). Chunk 0 holds the chunk count and
/// total length, so a missing chunk is noticed.
/// </summary>
internal static class PackageStorage
{
    const int ChunkBytes = 1 << 20;
    const string PartColumn = "ScoreMLPart";
    const string BytesColumn = "ScoreMLBytes";

    public static void Save(ModelSaveContext ctx, byte[] package)
    {
        var ml = new MLContext(0);
        var chunks = new List<Chunk>();
        int count = (package.Length + ChunkBytes - 1) / ChunkBytes;
        var header = new byte[12];
        BitConverter.TryWriteBytes(header.AsSpan(0, 4), count);
        BitConverter.TryWriteBytes(header.AsSpan(4, 8), (long)package.Length);
        chunks.Add(new Chunk { ScoreMLPart = 0, ScoreMLBytes = header });
        for (int i = 0; i < count; i++)
            chunks.Add(new Chunk { ScoreMLPart = (uint)(i + 1), ScoreMLBytes = package.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, package.Length - i * ChunkBytes)).ToArray() });
        var table = ml.Data.LoadFromEnumerable(chunks);
        var requests = ml.Data.LoadFromEnumerable(new[] { new Request() });
        var marker = ml.Transforms.CustomMapping<SavedTransformerMarker.Input, SavedTransformerMarker.Output>((_, _) => { }, SavedTransformerMarker.ContractName)
            .Fit(requests);
        var storage = ml.Transforms.Conversion.MapValue(BytesColumn, table, table.Schema[PartColumn], table.Schema[BytesColumn], PartColumn).Fit(requests);
        ((ICanSaveModel)new TransformerChain<ITransformer>(marker, storage)).Save(ctx);
    }

    /// <summary>The package bytes when <paramref name="loaded"/> is what <see cref="Save"/> wrote, else null.</summary>
    public static byte[]? TryRead(ITransformer loaded, string what)
    {
        if (loaded is not TransformerChain<ITransformer> chain) return null;
        var parts = chain.ToArray();
        if (parts.Length != 2 || parts[0] is not CustomMappingTransformer<SavedTransformerMarker.Input, SavedTransformerMarker.Output>
            || parts[1] is not ValueMappingTransformer storage)
            return null;
        var ml = new MLContext(0);
        byte[] header = ReadChunks(ml, storage, 0, 1)[0];
        if (header.Length != 12) throw new InvalidDataException($"{what}: the package header is damaged.");
        int count = BitConverter.ToInt32(header, 0);
        long length = BitConverter.ToInt64(header, 4);
        if (count < 0 || length < 0 || length > (long)count * ChunkBytes) throw new InvalidDataException($"{what}: the package header is damaged.");
        var result = new byte[length];
        long offset = 0;
        foreach (var chunk in ReadChunks(ml, storage, 1, count))
        {
            if (chunk.Length == 0 || offset + chunk.Length > length) throw new InvalidDataException($"{what}: the package is incomplete (a chunk is missing or has the wrong size).");
            chunk.CopyTo(result, offset);
            offset += chunk.Length;
        }
        if (offset != length) throw new InvalidDataException($"{what}: the package is incomplete ({offset} of {length} bytes).");
        return result;
    }

    static List<byte[]> ReadChunks(MLContext ml, ValueMappingTransformer storage, int first, int count)
    {
        var requests = ml.Data.LoadFromEnumerable(Enumerable.Range(first, count).Select(p => new Request { ScoreMLPart = (uint)p }).ToList());
        return storage.Transform(requests).GetColumn<byte[]>(BytesColumn).ToList();
    }

    sealed class Chunk
    {
        public uint ScoreMLPart { get; set; }
        public byte[] ScoreMLBytes { get; set; } = Array.Empty<byte>();
    }

    sealed class Request
    {
        public uint ScoreMLPart { get; set; }
    }
}
