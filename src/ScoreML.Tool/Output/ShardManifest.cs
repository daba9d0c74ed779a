using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScoreML.Tool.Output;

/// <summary>
/// What a shard of <c>scoreml sample --shard i/N --out FILE</c> wrote, beside it in FILE.shard.json: which rows of which job,
/// so that <c>scoreml merge</c> puts the shards in order and refuses a missing, repeated or foreign one.
/// </summary>
internal sealed record ShardManifest(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("shards")] int Shards,
    [property: JsonPropertyName("first_row")] long FirstRow,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("total_rows")] long TotalRows,
    [property: JsonPropertyName("columns")] int Columns,
    [property: JsonPropertyName("source")] string Source)
{
    public const string SamplesKind = "scoreml-samples-shard";

    public static string PathFor(string output) => output + ".shard.json";

    public void Save(string output) =>
        AtomicFile.WriteAllText(PathFor(output), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The manifest beside <paramref name="output"/>; the error names the file that lacks one.</summary>
    public static ShardManifest Load(string output)
    {
        string path = PathFor(output);
        if (!File.Exists(path))
            throw new InvalidDataException($"'{output}' has no shard manifest '{path}' beside it: it was not written by 'scoreml sample --shard', so its rows are not known.");
        try
        {
            var manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path));
            if (manifest is null || manifest.Kind != SamplesKind) throw new InvalidDataException($"'{path}' is not a scoreml shard manifest.");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Shard manifest '{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
