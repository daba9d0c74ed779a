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
    readonly InferenceSession? preprocess;
    readonly int networkChannels;
    readonly int? fixedBatch;   // a network exported with a fixed batch dimension that OnnxBatchDimension could not free

    /// <summary>Opens the network (and the preprocessing model, if any) and checks its input and outputs against the options;
    /// throws <see cref="FileNotFoundException"/> for a missing file and <see cref="ArgumentException"/> for a mismatch.</summary>
    /// <param name="options">Kept, not copied. A <see cref="OnnxFeatureExtractorOptions.ModelHeight"/> or
    /// <see cref="OnnxFeatureExtractorOptions.ModelWidth"/> of 0 is set here to the network's input size when the network fixes it.</param>
    public OnnxFeatureExtractor(OnnxFeatureExtractorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        if (!File.Exists(options.ModelPath))
            throw new FileNotFoundException($"ONNX feature network '{options.ModelPath}' does not exist (OnnxFeatureExtractorOptions.ModelPath). " +
                "Nothing is downloaded at run time; docs/evaluation.md explains how to export the FID Inception network to ONNX.", options.ModelPath);
        options.Validate();
        if (options.PreprocessModelPath is string preparation && !File.Exists(preparation))
            throw new FileNotFoundException($"ONNX preprocessing model '{preparation}' does not exist (OnnxFeatureExtractorOptions.PreprocessModelPath).", preparation);
        // Both with a free batch dimension, or both as written (OnnxBatchDimension); as written, too, when the rewritten bytes
        // do not open (a model whose weights are in files beside it, which only its path finds).
        byte[]? freeNetwork = OnnxBatchDimension.FreeFile(options.ModelPath, out _);
        byte[]? freePreprocess = null;
        if (freeNetwork is not null && options.PreprocessModelPath is string prep)
        {
            freePreprocess = OnnxBatchDimension.FreeFile(prep, out bool preprocessFixed);
            if (freePreprocess is null && preprocessFixed) freeNetwork = null;
        }
        try { session = Open(freeNetwork, options.ModelPath); }
        catch (InvalidDataException) when (freeNetwork is not null)
        {
            freeNetwork = null;
            session = Open(null, options.ModelPath);
        }
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
        if (shape[0] > 0) fixedBatch = shape[0];
        if (options.PreprocessModelPath is string prepPath)
        {
            preprocess = Open(freeNetwork is null ? null : freePreprocess, prepPath);
            if (preprocess.InputMetadata.Count != 1 || preprocess.OutputMetadata.Count != 1)
                throw new ArgumentException($"ONNX preprocessing model '{prepPath}' has {preprocess.InputMetadata.Count} inputs and {preprocess.OutputMetadata.Count} outputs; " +
                    "one of each is expected (OnnxFeatureExtractorOptions.PreprocessModelPath).");
        }
        Identity = $"onnx:{Path.GetFileName(options.ModelPath)}:sha256={FileHash(options.ModelPath)}:{options.FeatureOutputName}" +
                   $":{options.ModelHeight}x{options.ModelWidth}:scale={options.InputScale},shift={options.InputShift}" +
                   (options.PreprocessModelPath is string p ? $":preprocess={Path.GetFileName(p)}:sha256={FileHash(p)}" : "");
    }

    /// <summary>"onnx:", the model file's name and SHA-256 prefix, the feature output, the input size, scale and shift, and the
    /// preprocessing model's name and hash: two extractors agree only when they compute the same features.</summary>
    public string Identity { get; }
    /// <summary><see cref="OnnxFeatureExtractorOptions.Name"/>, or the model file's name in lower case without its extension.</summary>
    public string Name => options.Name ?? MetricName(Path.GetFileNameWithoutExtension(options.ModelPath));

    /// <summary>Lower case, letters and digits only ("ResNet18.onnx" gives "resnet18", "pt_inception-2015" "ptinception2015").</summary>
    internal static string MetricName(string text) => new(text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
    /// <summary>Whether <see cref="OnnxFeatureExtractorOptions.LogitsOutputName"/> is set.</summary>
    public bool ProvidesLogits => options.LogitsOutputName is not null;

    /// <summary>Runs the network on the rows, <see cref="OnnxFeatureExtractorOptions.BatchSize"/> at a time (or the network's fixed
    /// batch), after scaling, resizing and any preprocessing; returns its feature output and, when set, its logits. Throws unless
    /// the rows hold Channels x Height x Width values.</summary>
    public ExtractedFeatures Extract(FeatureMatrix inputs)
    {
        int pixels = options.Channels * options.Height * options.Width;
        if (inputs.Dimension != pixels)
            throw new ArgumentException($"The {inputs.Name} rows hold {inputs.Dimension} values; the ONNX extractor expects {options.Channels} x {options.Height} x {options.Width} = {pixels}.");
        var features = new List<float>();
        var logits = new List<float>();
        int featureWidth = 0, classes = 0;
        var outputs = options.LogitsOutputName is null ? new[] { options.FeatureOutputName } : new[] { options.FeatureOutputName, options.LogitsOutputName };
        int batchSize = fixedBatch ?? options.BatchSize;
        // One network input buffer for every call: a new one per call (9.6 MB for 16 ResNet-18 inputs) was garbage the
        // collector let pile up on the large-object heap, to 2.3 GB of resident memory over 10,000 images.
        float[]? buffer = null;
        using var runOptions = new RunOptions();
        for (int start = 0; start < inputs.Rows; start += batchSize)
        {
            int count = Math.Min(batchSize, inputs.Rows - start);
            var dims = Prepare(inputs.Values, start, count, fixedBatch ?? count, ref buffer, Math.Min(batchSize, inputs.Rows));
            using var feed = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, (int)dims.Aggregate(1L, (a, b) => a * b)), dims);
            using var prepared = preprocess?.Run(runOptions, preprocess.InputNames, new[] { feed }, preprocess.OutputNames);
            using var results = session.Run(runOptions, new[] { options.InputName }, new[] { prepared is null ? feed : prepared[0] }, outputs);
            featureWidth = Append(results[0], count, fixedBatch ?? count, features, options.FeatureOutputName);
            if (outputs.Length > 1) classes = Append(results[1], count, fixedBatch ?? count, logits, options.LogitsOutputName!);
        }
        return new ExtractedFeatures(new FeatureMatrix(features.ToArray(), featureWidth, inputs.Name + " features"),
            outputs.Length > 1 ? logits.ToArray() : null, classes);
    }

    /// <summary>Scales, repeats channels and resizes one batch of <paramref name="count"/> rows, padded with zero rows to
    /// <paramref name="rows"/> for a network of fixed batch, into the start of <paramref name="buffer"/> (made on the first call, for
    /// <paramref name="mostRows"/> rows); returns its shape, [rows, C, H, W].</summary>
    long[] Prepare(float[] values, int start, int count, int rows, ref float[]? buffer, int mostRows)
    {
        using var scope = NewDisposeScope();
        int pixels = options.Channels * options.Height * options.Width;
        var data = new float[(long)rows * pixels];
        values.AsSpan(start * pixels, count * pixels).CopyTo(data);
        var x = tensor(data, new long[] { rows, options.Channels, options.Height, options.Width });
        x = x * options.InputScale + options.InputShift;
        if (networkChannels == 3 && options.Channels == 1) x = x.expand(rows, 3, options.Height, options.Width);
        int h = options.ModelHeight > 0 ? options.ModelHeight : options.Height, w = options.ModelWidth > 0 ? options.ModelWidth : options.Width;
        if (h != options.Height || w != options.Width)
            x = nn.functional.interpolate(x, size: new long[] { h, w }, mode: InterpolationMode.Bilinear, align_corners: false);
        x = x.contiguous();
        buffer ??= new float[Math.Max(rows, mostRows) * x.shape.Skip(1).Aggregate(1L, (a, b) => a * b)];
        x.data<float>().CopyTo(buffer);
        return x.shape;
    }

    /// <summary>Appends the first <paramref name="count"/> of the output's <paramref name="rows"/> rows (the rest are padding).</summary>
    static int Append(OrtValue output, int count, int rows, List<float> into, string name)
    {
        var data = output.GetTensorDataAsSpan<float>();
        if (data.Length % rows != 0) throw new InvalidDataException($"ONNX output '{name}' has {data.Length} values for {rows} rows.");
        int width = data.Length / rows;
        foreach (float v in data[..(count * width)]) into.Add(v);   // pool3 comes as [B, 2048, 1, 1]: flattened per row
        return width;
    }

    void RequireOutput(string name, string option)
    {
        if (!session.OutputMetadata.ContainsKey(name))
            throw Mismatch($"has no output '{name}' (OnnxFeatureExtractorOptions.{option})", session.OutputMetadata.Keys);
    }

    Exception Mismatch(string what, IEnumerable<string> available) =>
        new ArgumentException($"ONNX network '{options.ModelPath}' {what}; it has: {string.Join(", ", available)}.");

    /// <summary>
    /// Opens <paramref name="model"/>'s bytes (<paramref name="path"/> rewritten by <see cref="OnnxBatchDimension"/>), or the
    /// file when null. Every core, every graph optimisation, and threads that sleep instead of spinning between calls. The spinning threads of
    /// the preprocessing session and of libtorch (which resizes) took the cores from the network's. Through this extractor
    /// ML.NET's ResNet-18 ran 1.95 times as fast as with ONNX Runtime's default session options (median of 3 interleaved
    /// rounds, range 1.83-2.00; 200 Fashion-MNIST test images after a warm-up, identical features), on a 2-core Intel Xeon
    /// (family 6 model 207).
    /// </summary>
    static InferenceSession Open(byte[]? model, string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try { return model is null ? new InferenceSession(path, options) : new InferenceSession(model, options); }   // the session copies its options
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"'{path}' is not a usable ONNX model: {e.Message}", e); }
    }

    static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream))[..16].ToLowerInvariant();
    }

    /// <summary>Closes the ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        session.Dispose();
        preprocess?.Dispose();
    }
}
