using ScoreML.Images.Readers;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>MNIST-format data: an IDX image file [n, height, width] and an IDX label file [n], as one labelled set.</summary>
public static class IdxImages
{
    /// <summary>Fashion-MNIST's ten classes, in label order.</summary>
    public static readonly IReadOnlyList<string> FashionMnistClasses = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <param name="imagesPath">IDX file of unsigned bytes [n, height, width] (gzip or plain).</param>
    /// <param name="labelsPath">IDX file of unsigned bytes [n].</param>
    /// <param name="scaling">Pixel scaling.</param>
    /// <param name="classNames">Names of the classes in label order; by default the label values "0", "1", ...</param>
    public static LabelledImages Read(string imagesPath, string labelsPath, PixelScaling scaling = PixelScaling.ZeroToOne, IReadOnlyList<string>? classNames = null)
    {
        var (imageDims, pixels) = IdxFile.Read(imagesPath);
        var (labelDims, labelBytes) = IdxFile.Read(labelsPath);
        if (imageDims.Length != 3)
            throw new InvalidDataException($"IDX image file '{imagesPath}' has {imageDims.Length} dimensions ({string.Join(" x ", imageDims)}); images need 3 (count x height x width).");
        if (labelDims.Length != 1)
            throw new InvalidDataException($"IDX label file '{labelsPath}' has {labelDims.Length} dimensions; labels need 1.");
        if (labelDims[0] != imageDims[0])
            throw new InvalidDataException($"IDX image file '{imagesPath}' holds {imageDims[0]} images but label file '{labelsPath}' holds {labelDims[0]} labels.");
        int classes = classNames?.Count ?? labelBytes.Max() + 1;
        int bad = Array.FindIndex(labelBytes, l => l >= classes);
        if (bad >= 0)
            throw new InvalidDataException($"IDX label file '{labelsPath}': label {bad} is {labelBytes[bad]}, outside the {classes} class names given.");
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) values[i] = scaling.Scale(pixels[i]);
        var names = classNames ?? Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new LabelledImages(values, labelBytes.Select(l => (int)l).ToArray(), new ImageShape(1, imageDims[1], imageDims[2]), names);
    }

    /// <summary>
    /// Fashion-MNIST's training (60,000) or test (10,000) set from <paramref name="directory"/>, by default where Debian's
    /// <c>dataset-fashion-mnist</c> package puts it; a clear error says how to get it when it is absent.
    /// </summary>
    public static LabelledImages FashionMnist(bool train, string? directory = null, PixelScaling scaling = PixelScaling.ZeroToOne)
    {
        directory ??= FashionMnistDirectory;
        string prefix = train ? "train" : "t10k";
        string images = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Find(directory, $"{prefix}-labels-idx1-ubyte");
        return Read(images, labels, scaling, FashionMnistClasses);
    }

    static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"Fashion-MNIST file '{name}(.gz)' is not in '{directory}'. On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist " +
            $"(installs it under {FashionMnistDirectory}); elsewhere, download the four files from github.com/zalandoresearch/fashion-mnist and pass their folder.");
    }
}
