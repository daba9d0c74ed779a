using System.Globalization;
using System.Text.Json;

namespace ScoreML.Tests.Evaluation;

/// <summary>
/// The committed reference fixtures (Evaluation/Fixtures): feature CSVs and the values make_reference.py computed from them
/// with numpy/scipy (pytorch-fid's FID), scikit-learn distances (clovaai PRDC) and the improved-gan IS formula.
/// </summary>
internal static class Fixtures
{
    static string Folder => Path.Combine(AppContext.BaseDirectory, "Evaluation", "Fixtures");

    /// <summary>A CSV of one sample per row, no header, as a row-major array and its width.</summary>
    public static (float[] Values, int Dimension) Csv(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, name)).Where(l => l.Length > 0).ToArray();
        int dimension = lines[0].Split(',').Length;
        var values = lines.SelectMany(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        return (values, dimension);
    }

    public static JsonElement Expected => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json"))).RootElement;

    public static string OnnxModelPath => Path.Combine(Folder, "tiny_extractor.onnx");
}
