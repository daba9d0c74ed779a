namespace ScoreML;

/// <summary>
/// The 512-wide pooled features of ML.NET's ImageNet-pretrained ResNet-18 (NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18, MIT; a network nobody here trained, nothing downloaded), run with ONNX Runtime:
/// pixels in [0, 1] scaled to [0, 255], grey repeated to three channels, resized bilinearly to 224 x 224, then the package's
/// own ResNetPreprocess.onnx (a per-channel mean subtraction: the network was exported from CNTK and takes no division by a
/// standard deviation) and ResNet18.onnx's average-pooling output.
/// </summary>
public static class ResNet18Features
{
    /// <summary>The package that carries the network; the library references it, so its models are restored with it.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version whose models the library was checked against.</summary>
    public const string PackageVersion = "0.23.1";

    /// <summary>The network's input side (224) and its feature width (512).</summary>
    public const int InputSize = 224, FeatureWidth = 512;

    /// <summary>Images per network call.</summary>
    public const int DefaultBatchSize = 16;

    /// <summary>What metrics on these features are called: fid_resnet18, kid_resnet18, ...</summary>
    public const string MetricName = "resnet18";

    const string NetworkFile = "ResNet18Onnx/ResNet18.onnx", PreprocessFile = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>An extractor for rows of <paramref name="shape"/> (one or three channels) with pixels in [0, 1].</summary>
    public static OnnxFeatureExtractor Create(ImageShape shape, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Channels is not (1 or 3))
            throw new ArgumentException($"ResNet-18 features take one- or three-channel images; the rows have {shape.Channels} channels.", nameof(shape));
        string folder = ModelFolder();
        return new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
        {
            ModelPath = Path.Combine(folder, NetworkFile),
            PreprocessModelPath = Path.Combine(folder, PreprocessFile),
            Name = MetricName,
            InputName = "Input247",
            FeatureOutputName = "Pooling395_Output_0",
            Channels = shape.Channels, Height = shape.Height, Width = shape.Width,
            ModelHeight = InputSize, ModelWidth = InputSize,
            InputScale = 255,
            RepeatGrayToRgb = true,
            BatchSize = batchSize,
        });
    }

    /// <summary>
    /// The DnnImageModels folder: next to the program (the package's build step copies it there), else in the NuGet package
    /// cache (NUGET_PACKAGES or ~/.nuget/packages). Nothing is downloaded; the error says where it looked.
    /// </summary>
    public static string ModelFolder()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "DnnImageModels"),
            Path.Combine(packages, PackageId.ToLowerInvariant(), PackageVersion, "tools", "DnnImageModels"),
        };
        foreach (var folder in candidates)
            if (File.Exists(Path.Combine(folder, NetworkFile)) && File.Exists(Path.Combine(folder, PreprocessFile))) return folder;
        throw new FileNotFoundException($"ML.NET's ResNet-18 ({NetworkFile} and {PreprocessFile}) is in neither {string.Join(" nor ", candidates)}. " +
            $"Reference the NuGet package {PackageId} {PackageVersion} (ScoreML.Evaluation does) and restore; nothing is downloaded at run time.");
    }
}
