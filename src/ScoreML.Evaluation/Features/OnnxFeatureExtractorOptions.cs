namespace ScoreML.Evaluation.Features;

/// <summary>
/// How to run an ONNX feature network (for FID: the Inception-v3 network of pytorch-fid, exported to ONNX; README says how to
/// make the file). Inputs are image rows in channel-major order (C x H x W, as ML.NET's ExtractPixels and ScoreML's readers
/// produce); they are scaled by <see cref="InputScale"/> and <see cref="InputShift"/>, resized bilinearly to
/// <see cref="ModelHeight"/> x <see cref="ModelWidth"/> when that differs from the data, and fed as [B, C, H, W] float32.
/// </summary>
public sealed class OnnxFeatureExtractorOptions
{
    /// <summary>Path of the .onnx file. Nothing is downloaded: the file must exist.</summary>
    public string ModelPath { get; set; } = "";
    /// <summary>The network's image input.</summary>
    public string InputName { get; set; } = "images";
    /// <summary>The output that holds the features (e.g. Inception's 2048-wide pool3 output).</summary>
    public string FeatureOutputName { get; set; } = "features";
    /// <summary>The output that holds class logits for the Inception Score, or null for none.</summary>
    public string? LogitsOutputName { get; set; }
    /// <summary>Channels, height and width of the data rows.</summary>
    public int Channels { get; set; } = 3;
    public int Height { get; set; }
    public int Width { get; set; }
    /// <summary>The network's input size; 0 keeps the data's size. pytorch-fid's Inception: 299 x 299.</summary>
    public int ModelHeight { get; set; }
    public int ModelWidth { get; set; }
    /// <summary>Pixels become value * InputScale + InputShift before the network (e.g. 2 and -1 map [0,1] to [-1,1]).</summary>
    public float InputScale { get; set; } = 1;
    public float InputShift { get; set; }
    /// <summary>Single-channel data repeated to three channels when the network wants three (MNIST-like data into Inception).</summary>
    public bool RepeatGrayToRgb { get; set; } = true;
    /// <summary>Rows per network call.</summary>
    public int BatchSize { get; set; } = 50;
}
