namespace ScoreML;

/// <summary>
/// How to run an ONNX feature network (for FID: the Inception-v3 network of pytorch-fid, exported to ONNX; docs/evaluation.md says how to
/// make the file). Inputs are image rows in channel-major order (C x H x W, as ML.NET's ExtractPixels and ScoreML's readers
/// produce); they are scaled by <see cref="InputScale"/> and <see cref="InputShift"/>, resized bilinearly to
/// <see cref="ModelHeight"/> x <see cref="ModelWidth"/> when that differs from the data, and fed as [B, C, H, W] float32.
/// </summary>
public sealed class OnnxFeatureExtractorOptions
{
    /// <summary>The largest channel count, height or width, of the data or the network's input (Inception: 3 x 299 x 299).</summary>
    public const int MaxExtent = 16384;

    /// <summary>The largest |<see cref="InputScale"/>| and |<see cref="InputShift"/>|: mapping [0, 255] to [-1, 1] takes 1/127.5 and -1,
    /// and beyond 1e6 float32 pixels keep no precision worth feeding a network.</summary>
    public const float MaxInputScale = 1e6f;

    /// <summary>Path of the .onnx file. Nothing is downloaded: the file must exist.</summary>
    public string ModelPath { get; set; } = "";
    /// <summary>
    /// What metrics on these features are called in results (fid_{Name}, e.g. "inception" or "resnet18"): letters and digits;
    /// null takes the model file's name without its extension, in lower case.
    /// </summary>
    public string? Name { get; set; }
    /// <summary>The network's image input.</summary>
    public string InputName { get; set; } = "images";
    /// <summary>The output that holds the features (e.g. Inception's 2048-wide pool3 output).</summary>
    public string FeatureOutputName { get; set; } = "features";
    /// <summary>The output that holds class logits for the Inception Score, or null for none.</summary>
    public string? LogitsOutputName { get; set; }
    /// <summary>Channels, height and width of the data rows, each in [1, <see cref="MaxExtent"/>].</summary>
    public int Channels { get; set; } = 3;
    /// <summary>Height of the data's images, in [1, <see cref="MaxExtent"/>]; must be set (the default 0 is refused).</summary>
    public int Height { get; set; }
    /// <summary>Width of the data's images, in [1, <see cref="MaxExtent"/>]; must be set (the default 0 is refused).</summary>
    public int Width { get; set; }
    /// <summary>The network's input size, at most <see cref="MaxExtent"/>; 0 keeps the data's size. pytorch-fid's Inception: 299 x 299.</summary>
    public int ModelHeight { get; set; }
    /// <summary>The network's input width, at most <see cref="MaxExtent"/>; 0 keeps the data's width.</summary>
    public int ModelWidth { get; set; }
    /// <summary>Pixels become value * InputScale + InputShift before the network (e.g. 2 and -1 map [0,1] to [-1,1]). The scale is finite
    /// and not 0 (which would blank every image); both are at most <see cref="MaxInputScale"/> in size.</summary>
    public float InputScale { get; set; } = 1;
    /// <summary>Added to every pixel after <see cref="InputScale"/> (default 0); at most <see cref="MaxInputScale"/> in size.</summary>
    public float InputShift { get; set; }
    /// <summary>Single-channel data repeated to three channels when the network wants three (MNIST-like data into Inception).</summary>
    public bool RepeatGrayToRgb { get; set; } = true;
    /// <summary>
    /// An ONNX model run on the prepared input before the network, or null for none: a network's own preprocessing shipped as
    /// a model (ML.NET's ResNet-18 comes with ResNetPreprocess.onnx, a per-channel mean subtraction). It must have one input
    /// and one output, both the network's input shape.
    /// </summary>
    public string? PreprocessModelPath { get; set; }
    /// <summary>Rows per network call (a network whose batch dimension is fixed takes that many, the last call padded); one call's input (BatchSize x channels x height x width at the network's size) must fit in one array.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Checks every numeric option; names the option at fault. The model file and its input and output names are checked when
    /// the extractor opens it.</summary>
    public void Validate()
    {
        const string prefix = "OnnxFeatureExtractorOptions.";
        OptionChecks.InRange(Channels, prefix + nameof(Channels), 1, MaxExtent);
        OptionChecks.InRange(Height, prefix + nameof(Height), 1, MaxExtent);
        OptionChecks.InRange(Width, prefix + nameof(Width), 1, MaxExtent);
        OptionChecks.InRange(ModelHeight, prefix + nameof(ModelHeight), 0, MaxExtent);
        OptionChecks.InRange(ModelWidth, prefix + nameof(ModelWidth), 0, MaxExtent);
        if (!(float.IsFinite(InputScale) && InputScale != 0 && Math.Abs(InputScale) <= MaxInputScale))
            throw OptionChecks.Refusal(prefix + nameof(InputScale), $"a finite number other than 0 in [-{MaxInputScale:0}, {MaxInputScale:0}]", OptionChecks.Format(InputScale));
        OptionChecks.InRange(InputShift, prefix + nameof(InputShift), -MaxInputScale, MaxInputScale);
        OptionChecks.InRange(BatchSize, prefix + nameof(BatchSize), 1, int.MaxValue);
        if (Name is not null && (Name.Length == 0 || !Name.All(char.IsAsciiLetterOrDigit)))
            throw OptionChecks.Refusal(prefix + nameof(Name), "letters and digits (or null for the model file's name)", $"'{Name}'");
        long rowValues = (long)Channels * Height * Width;
        if (rowValues > Array.MaxLength)
            throw OptionChecks.Refusal(prefix + nameof(Height), $"small enough that a row of Channels x Height x Width values fits in one array (at most {Array.MaxLength})",
                $"{Channels} x {Height} x {Width}");
        // The network's input: three channels when grey rows are repeated, at the network's size when that is set.
        long inputValues = (long)Math.Max(Channels, 3) * Math.Max(Height, ModelHeight) * Math.Max(Width, ModelWidth);
        if (BatchSize * inputValues > Array.MaxLength)
            throw OptionChecks.Refusal(prefix + nameof(BatchSize), $"small enough that one call's input of {inputValues} values per row fits in one array " +
                $"(at most {Array.MaxLength} values)", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
