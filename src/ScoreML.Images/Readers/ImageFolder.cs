using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using ScoreML.Networks;

namespace ScoreML.Images.Readers;

/// <summary>
/// Images in a folder with one sub-folder per class (the sub-folder names, sorted, are the classes), read through ML.NET's
/// own image transforms: <c>LoadImages</c>, <c>ResizeImages</c>, <c>ExtractPixels</c>. Without a size, every image must have
/// the size of the first: a different one is an error naming the file, since the networks need one shape.
/// </summary>
public static class ImageFolder
{
    static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    /// <param name="mlContext">The context whose transforms load the images.</param>
    /// <param name="folder">The folder of class sub-folders.</param>
    /// <param name="grayscale">One channel (luminance) instead of three (RGB).</param>
    /// <param name="width">Resize every image to this width (with <paramref name="height"/>); null keeps the common size.</param>
    /// <param name="height">Resize height.</param>
    /// <param name="scaling">Pixel scaling.</param>
    public static LabelledImages Read(MLContext mlContext, string folder, bool grayscale = false, int? width = null, int? height = null,
        PixelScaling scaling = PixelScaling.ZeroToOne)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Image folder '{folder}' does not exist.");
        if (width is null != height is null) throw new ArgumentException("Give both width and height to resize, or neither.");
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"The resize size {width} x {height} must be positive.");
        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new ArgumentException($"Image folder '{folder}' has no sub-folders; put each class's images in a sub-folder named after it.");
        var files = classes.SelectMany((name, label) => Directory.GetFiles(Path.Combine(folder, name!))
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)
                .Select(path => new ImageFile { Path = path, Label = label }))
            .ToList();
        if (files.Count == 0) throw new ArgumentException($"Image folder '{folder}' holds no images ({string.Join(", ", Extensions)}) in its sub-folders.");

        int w, h;
        if (width is int givenWidth) (w, h) = (givenWidth, height!.Value);
        else
        {
            (w, h) = SizeOf(files[0].Path);
            foreach (var file in files.Skip(1))
            {
                var size = SizeOf(file.Path);
                if (size != (w, h))
                    throw new InvalidDataException($"Image '{file.Path}' is {size.Width} x {size.Height} but '{files[0].Path}' is {w} x {h}; " +
                        "give a width and height to resize every image to one size.");
            }
        }

        var colors = grayscale ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb;
        IEstimator<ITransformer> pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageFile.Path))
            .Append(mlContext.Transforms.ResizeImages("Image", w, h, resizing: ImageResizingEstimator.ResizingKind.Fill));
        if (grayscale) pipeline = pipeline.Append(mlContext.Transforms.ConvertToGrayscale("Image"));   // R = G = B: one channel is the grey level
        pipeline = pipeline.Append(mlContext.Transforms.ExtractPixels("Pixels", "Image", colorsToExtract: colors, interleavePixelColors: false, scaleImage: 1f / 255));
        var view = mlContext.Data.LoadFromEnumerable(files);
        var transformed = pipeline.Fit(view).Transform(view);
        var shape = new ImageShape(grayscale ? 1 : 3, h, w);
        var values = new float[files.Count * shape.Size];
        int row = 0;
        foreach (var pixels in transformed.GetColumn<float[]>("Pixels"))
        {
            if (pixels.Length != shape.Size)
                throw new InvalidDataException($"Image '{files[row].Path}' gave {pixels.Length} values, not {shape} = {shape.Size}.");
            for (int i = 0; i < pixels.Length; i++) values[row * shape.Size + i] = scaling == PixelScaling.ZeroToOne ? pixels[i] : 2 * pixels[i] - 1;
            row++;
        }
        return new LabelledImages(values, files.Select(f => f.Label).ToArray(), shape, classes!);
    }

    static (int Width, int Height) SizeOf(string path)
    {
        try
        {
            using var image = MLImage.CreateFromFile(path);
            return (image.Width, image.Height);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"Image '{path}' cannot be read as an image: {e.Message}", e);
        }
    }

    sealed class ImageFile
    {
        public string Path { get; set; } = "";
        public int Label { get; set; }
    }
}
