using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreML.Transforms.Persistence;

/// <summary>
/// One saved ScoreML transformer as bytes: a header (format name, version, SHA-256 of the rest), the manifest as JSON, and
/// named binary sections (network weights). Any change to the bytes after saving fails the hash check; a package of another
/// format version is refused by number.
/// </summary>
internal sealed class TransformerPackage
{
    const string Magic = "ScoreML.TransformerPackage";
    /// <summary>The newest format version: 2 holds custom components (<see cref="PackageManifest.Components"/>).</summary>
    public const int Version = 2;

    /// <summary>The version written when there are no custom components, so that ScoreML releases reading only version 1 still
    /// load such packages, while a package with custom components is refused by them rather than silently sampled with a
    /// built-in sampler (version 1 readers ignore the manifest's unknown Components).</summary>
    const int VersionWithoutComponents = 1;

    static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public TransformerPackage(PackageManifest manifest) => Manifest = manifest;

    public PackageManifest Manifest { get; }
    public Dictionary<string, byte[]> Sections { get; } = new();

    public byte[] ToBytes()
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(JsonSerializer.Serialize(Manifest, Json));
            writer.Write(Sections.Count);
            foreach (var (name, bytes) in Sections)
            {
                writer.Write(name);
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }
        byte[] body = payload.ToArray();
        using var result = new MemoryStream();
        using (var writer = new BinaryWriter(result, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Manifest.Components is null ? VersionWithoutComponents : Version);
            writer.Write(SHA256.HashData(body));
            writer.Write(body);
        }
        return result.ToArray();
    }

    /// <param name="bytes">A package as <see cref="ToBytes"/> wrote it.</param>
    /// <param name="what">Names the package in errors (the file and the transformer's place in the chain).</param>
    public static TransformerPackage FromBytes(byte[] bytes, string what)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadString() != Magic) throw new InvalidDataException($"{what} is not a ScoreML transformer package.");
            int version = reader.ReadInt32();
            if (version is < VersionWithoutComponents or > Version)
                throw new InvalidDataException($"{what} was saved in ScoreML package format version {version}; this ScoreML reads versions " +
                    $"{VersionWithoutComponents} to {Version}" +
                    (version > Version ? ": update ScoreML to load it." : ": re-train or re-save it with this version."));
            byte[] hash = reader.ReadBytes(32);
            byte[] body = reader.ReadBytes(bytes.Length - (int)reader.BaseStream.Position);
            if (hash.Length != 32 || !SHA256.HashData(body).AsSpan().SequenceEqual(hash))
                throw new InvalidDataException($"{what} does not match its checksum: the zip was altered or damaged after saving.");
            using var bodyReader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
            var manifest = JsonSerializer.Deserialize<PackageManifest>(bodyReader.ReadString(), Json)
                ?? throw new InvalidDataException($"{what} has an empty manifest.");
            var package = new TransformerPackage(manifest);
            int count = bodyReader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string name = bodyReader.ReadString();
                package.Sections[name] = bodyReader.ReadBytes(bodyReader.ReadInt32());
            }
            return package;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{what} is truncated or damaged ({e.Message}).", e);
        }
    }

    /// <summary>A section's bytes; a clear error naming <paramref name="what"/> when it is absent.</summary>
    public byte[] Section(string name, string what) =>
        Sections.TryGetValue(name, out var bytes) ? bytes : throw new InvalidDataException($"{what} has no '{name}' section.");
}
