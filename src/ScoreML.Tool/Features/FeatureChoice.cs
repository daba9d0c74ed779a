using ScoreML.Tool.Inputs;

namespace ScoreML.Tool.Features;

/// <summary>What <c>--features</c> names.</summary>
internal enum FeatureKind
{
    /// <summary>ResNet-18 for one- or three-channel images, the rows themselves for anything else (the library's default).</summary>
    Auto,
    /// <summary>ML.NET's pretrained ResNet-18 (512 features).</summary>
    ResNet18,
    /// <summary>The rows themselves.</summary>
    Identity,
    /// <summary>A network of one's own as an ONNX file.</summary>
    Onnx,
}

/// <summary>
/// The features a metric command compares: <c>--features auto|resnet18|identity|onnx:FILE</c> (a value ending in .onnx is
/// taken as onnx:FILE), with the ONNX network's input and output names, input size and pixel scaling from their options.
/// </summary>
internal sealed record FeatureChoice(FeatureKind Kind, string? OnnxPath = null, string OnnxInput = "images", string OnnxOutput = "features",
    (int Width, int Height)? OnnxSize = null, float OnnxScale = 1, float OnnxShift = 0)
{
    /// <summary>The values <c>--features</c> takes, for help and errors.</summary>
    public const string Values = "auto, resnet18, identity or onnx:FILE";

    public static bool TryParse(string text, out FeatureChoice choice, out string error)
    {
        error = "";
        choice = new FeatureChoice(FeatureKind.Auto);
        switch (text.ToLowerInvariant())
        {
            case "auto": return true;
            case "resnet18": choice = new FeatureChoice(FeatureKind.ResNet18); return true;
            case "identity" or "raw": choice = new FeatureChoice(FeatureKind.Identity); return true;
        }
        string? path = text.StartsWith("onnx:", StringComparison.OrdinalIgnoreCase) ? text[5..]
            : text.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? text : null;
        if (string.IsNullOrWhiteSpace(path))
        {
            error = $"--features must be {Values}, not '{text}'.";
            return false;
        }
        choice = new FeatureChoice(FeatureKind.Onnx, path);
        return true;
    }

    /// <summary>What --features would be given as (its help shows the default so).</summary>
    public override string ToString() => Kind == FeatureKind.Onnx ? $"onnx:{OnnxPath}" : Kind.ToString().ToLowerInvariant();

    /// <summary>The short name the metrics are named after ("resnet18" gives fid_resnet18), as the extractor would name itself.</summary>
    public string? ExpectedName => Kind switch
    {
        FeatureKind.ResNet18 => ResNet18Features.MetricName,
        FeatureKind.Identity => "",
        FeatureKind.Onnx => new string(Path.GetFileNameWithoutExtension(OnnxPath!).ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray()),
        _ => null,
    };

    /// <summary>The extractor for the rows of <paramref name="data"/>; errors name <c>--features</c> and the input.</summary>
    public IFeatureExtractor Create(DataSet data)
    {
        switch (Kind)
        {
            case FeatureKind.Identity:
                return new IdentityFeatureExtractor();
            case FeatureKind.Auto:
                return data.Shape is { Channels: 1 or 3 } auto ? ResNet18Features.Create(auto) : new IdentityFeatureExtractor();
            case FeatureKind.ResNet18:
                if (data.Shape is not { Channels: 1 or 3 } shape)
                    throw new UsageException(data.Shape is null
                        ? $"--features resnet18 takes images, but {data.Describe()} holds vectors; give --shape CxHxW if its rows are images."
                        : $"--features resnet18 takes one- or three-channel images; {data.Describe()} has {data.Shape.Channels} channels.");
                return ResNet18Features.Create(shape);
            default:
                if (data.Shape is not ImageShape image)
                    throw new UsageException($"--features onnx:{OnnxPath} takes images, but {data.Describe()} holds vectors; give --shape CxHxW if its rows are images.");
                if (!File.Exists(OnnxPath)) throw new FileNotFoundException($"--features: ONNX file '{OnnxPath}' does not exist.", OnnxPath);
                return new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
                {
                    ModelPath = OnnxPath!,
                    InputName = OnnxInput,
                    FeatureOutputName = OnnxOutput,
                    Channels = image.Channels, Height = image.Height, Width = image.Width,
                    ModelWidth = OnnxSize?.Width ?? 0, ModelHeight = OnnxSize?.Height ?? 0,
                    InputScale = OnnxScale, InputShift = OnnxShift,
                });
        }
    }

    /// <summary>
    /// The features of every row of <paramref name="data"/>, extracted a block of rows at a time so that a cancellation
    /// (Ctrl-C) stops within one block; the blocks are whole network batches, so the features are those of one call.
    /// </summary>
    public static FeatureMatrix Extract(IFeatureExtractor extractor, DataSet data, string name, CancellationToken cancellation)
    {
        const int BlockRows = 500;   // a multiple of every batch size the extractors use (1 and 50)
        if (extractor is IdentityFeatureExtractor) return new FeatureMatrix(data.Values, data.Dimension, name);
        float[]? values = null;
        int width = 0;
        for (int start = 0; start < data.Rows; start += BlockRows)
        {
            cancellation.ThrowIfCancellationRequested();
            int rows = Math.Min(BlockRows, data.Rows - start);
            var block = new FeatureMatrix(data.Values.AsSpan(start * data.Dimension, rows * data.Dimension).ToArray(), data.Dimension, name);
            var features = extractor.Extract(block).Features;
            width = features.Dimension;
            values ??= new float[(long)data.Rows * width];
            features.Values.CopyTo(values, (long)start * width);
        }
        return new FeatureMatrix(values!, width, name);
    }
}
