using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Features (and optionally logits) from an ONNX network run with ONNX Runtime on the CPU.</summary>
public sealed class OnnxFeatureExtractor : IFeatureExtractor, IDisposable
{
    readonly OnnxFeatureExtractorOptions options;
    readonly InferenceSession session;
    readonly int networkChannels;

    public OnnxFeatureExtractor(OnnxFeatureExtractorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        if (!File.Exists(options.ModelPath))
            throw new FileNotFoundException($"ONNX feature network '{options.ModelPath}' does not exist (OnnxFeatureExtractorOptions.ModelPath). " +
                "Nothing is downloaded at run time; docs/evaluation.md explains how to export the FID Inception network to ONNX.", options.ModelPath);
        options.Validate();
        try { session = new InferenceSession(options.ModelPath); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"'{options.ModelPath}' is not a usable ONNX model: {e.Message}", e); }
        if (!session.InputMetadata.TryGetValue(options.InputName, out var input))
            throw Mismatch($"has no input '{options.InputName}' (OnnxFeatureExtractorOptions.InputName)", session.InputMetadata.Keys);
        RequireOutput(options.FeatureOutputName, nameof(options.FeatureOutputName));
        if (options.LogitsOutputName is not null) RequireOutput(options.LogitsOutputName, nameof(options.LogitsOutputName));
        var shape = input.Dimensions;   // -1 where dynamic
        if (shape.Length != 4) throw new ArgumentException($"ONNX network '{options.ModelPath}' input '{options.InputName}' has {shape.Length} dimensions; a [B, C, H, W] image input is expected.");
        networkChannels = shape[1] > 0 ? shape[1] : options.Channels;
        if (networkChannels != options.Channels && !(options.Channels == 1 && networkChannels == 3 && options.RepeatGrayToRgb))
            throw new ArgumentException($"ONNX network '{options.ModelPath}' wants {networkChannels} channels; the data have {options.Channels}.");
        if (options.ModelHeight == 0 && shape[2] > 0) options.ModelHeight = shape[2];
        if (options.ModelWidth == 0 && shape[3] > 0) options.ModelWidth = shape[3];
        Identity = $"onnx:{Path.GetFileName(options.ModelPath)}:sha256={FileHash(options.ModelPath)}:{options.FeatureOutputName}" +
                   $":{options.ModelHeight}x{options.ModelWidth}:scale={options.InputScale},shift={options.InputShift}";
    }

    public string Identity { get; }
    public bool ProvidesLogits => options.LogitsOutputName is not null;

    public ExtractedFeatures Extract(FeatureMatrix inputs)
    {
        int pixels = options.Channels * options.Height * options.Width;
        if (inputs.Dimension != pixels)
            throw new ArgumentException($"The {inputs.Name} rows hold {inputs.Dimension} values; the ONNX extractor expects {options.Channels} x {options.Height} x {options.Width} = {pixels}.");
        var features = new List<float>();
        var logits = new List<float>();
        int featureWidth = 0, classes = 0;
        var outputs = options.LogitsOutputName is null ? new[] { options.FeatureOutputName } : new[] { options.FeatureOutputName, options.LogitsOutputName };
        for (int start = 0; start < inputs.Rows; start += options.BatchSize)
        {
            int count = Math.Min(options.BatchSize, inputs.Rows - start);
            var (batch, dims) = Prepare(inputs.Values, start, count);
            using var feed = OrtValue.CreateTensorValueFromMemory(batch, dims);
            using var results = session.Run(new RunOptions(), new[] { options.InputName }, new[] { feed }, outputs);
            featureWidth = Append(results[0], count, features, options.FeatureOutputName);
            if (outputs.Length > 1) classes = Append(results[1], count, logits, options.LogitsOutputName!);
        }
        return new ExtractedFeatures(new FeatureMatrix(features.ToArray(), featureWidth, inputs.Name + " features"),
            outputs.Length > 1 ? logits.ToArray() : null, classes);
    }

    /// <summary>Scales, repeats channels and resizes one batch; returns it as [B, C, H, W].</summary>
    (float[] Values, long[] Shape) Prepare(float[] values, int start, int count)
    {
        using var scope = NewDisposeScope();
        int pixels = options.Channels * options.Height * options.Width;
        var x = tensor(values.AsSpan(start * pixels, count * pixels).ToArray(), new long[] { count, options.Channels, options.Height, options.Width });
        x = x * options.InputScale + options.InputShift;
        if (networkChannels == 3 && options.Channels == 1) x = x.expand(count, 3, options.Height, options.Width);
        int h = options.ModelHeight > 0 ? options.ModelHeight : options.Height, w = options.ModelWidth > 0 ? options.ModelWidth : options.Width;
        if (h != options.Height || w != options.Width)
            x = nn.functional.interpolate(x, size: new long[] { h, w }, mode: InterpolationMode.Bilinear, align_corners: false);
        return (x.contiguous().data<float>().ToArray(), x.shape);
    }

    static int Append(OrtValue output, int rows, List<float> into, string name)
    {
        var data = output.GetTensorDataAsSpan<float>();
        if (data.Length % rows != 0) throw new InvalidDataException($"ONNX output '{name}' has {data.Length} values for {rows} rows.");
        foreach (float v in data) into.Add(v);   // pool3 comes as [B, 2048, 1, 1]: flattened per row
        return data.Length / rows;
    }

    void RequireOutput(string name, string option)
    {
        if (!session.OutputMetadata.ContainsKey(name))
            throw Mismatch($"has no output '{name}' (OnnxFeatureExtractorOptions.{option})", session.OutputMetadata.Keys);
    }

    Exception Mismatch(string what, IEnumerable<string> available) =>
        new ArgumentException($"ONNX network '{options.ModelPath}' {what}; it has: {string.Join(", ", available)}.");

    static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream))[..16].ToLowerInvariant();
    }

    public void Dispose() => session.Dispose();
}
