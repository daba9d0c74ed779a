using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScoreML.Tool.Output;

/// <summary>The JSON the commands print with <c>--json</c>: one indented object on standard output.</summary>
internal static class JsonOutput
{
    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // paths and quotes as typed
    };

    public static void Write(TextWriter writer, JsonObject value) => writer.WriteLine(value.ToJsonString(Options));

    /// <summary>
    /// A metric's key, named after its features as the library's <see cref="GenerativeMetrics.ToJson"/> names them:
    /// fid_resnet18, kid_resnet18_std; the plain fid, kid_std on the rows themselves.
    /// </summary>
    public static string MetricKey(string metric, string featureName, string suffix = "") =>
        metric + (featureName.Length > 0 ? "_" + featureName : "") + suffix;

    /// <summary>A number as text that reads back as the same double (as Python prints a float).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
