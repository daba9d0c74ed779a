using ScoreML.Images;
using ScoreML.Images.Readers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>
/// Images in a folder with one sub-folder per class (the sub-folder names, sorted, are the classes), read through ML.NET's
/// own image transforms: <c>LoadImages</c>, <c>ResizeImages</c>, <c>ExtractPixels</c>. Only files with an image extension
/// (.png, .jpg, .jpeg, .bmp, .gif, .webp, in any case) are read; other files (notes, .DS_Store, Thumbs.db) are skipped, as
/// torchvision's <c>ImageFolder</c> skips them. Every image file is opened before ML.NET reads it, so one that is not an
/// image (a text file named .png, a truncated download) is an <see cref="InvalidDataException"/> naming it, with or without a
/// resize. Without a size, every image must have the size of the first: a different one is an error naming the file, since
/// the networks need one shape.
/// </summary>
public static class ImageFolder
{
    static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    /// <param name="mlContext">The context whose transforms load the images.</param>
    /// <param name="folder">The folder of class sub-folders.</param>
    /// <param name="grayscale">
    /// One channel instead of three (RGB): each pixel's ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B rounded as Pillow's
    /// <c>convert("L")</c> computes it (see <see cref="Luminance"/>), after the resize; the same grey as
    /// <see cref="PngImages.Load"/> gives.
    /// </param>
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
        return ReadImages(mlContext, files, classes.Select(c => c!).ToArray(), grayscale, width, height, scaling);
    }

    /// <summary>
    /// The image files <paramref name="files"/>, in the order given, as one set of one class ("images", every label 0): for a
    /// folder without class sub-folders, or images gathered from several places. Each file is checked as
    /// <see cref="Read(MLContext, string, bool, int?, int?, PixelScaling)"/> checks the files of a folder: one that is not
    /// an image, or (without a size) one whose size differs from the first's, is an error naming it.
    /// </summary>
    /// <param name="mlContext">The context whose transforms load the images.</param>
    /// <param name="files">The image files (at least one).</param>
    /// <param name="grayscale">One channel (BT.601 luma, as <see cref="Read(MLContext, string, bool, int?, int?, PixelScaling)"/>) instead of three.</param>
    /// <param name="width">Resize every image to this width (with <paramref name="height"/>); null keeps the common size.</param>
    /// <param name="height">Resize height.</param>
    /// <param name="scaling">Pixel scaling.</param>
    public static LabelledImages ReadFiles(MLContext mlContext, IReadOnlyList<string> files, bool grayscale = false, int? width = null, int? height = null,
        PixelScaling scaling = PixelScaling.ZeroToOne)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) throw new ArgumentException("No image files given.", nameof(files));
        if (width is null != height is null) throw new ArgumentException("Give both width and height to resize, or neither.");
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"The resize size {width} x {height} must be positive.");
        return ReadImages(mlContext, files.Select(path => new ImageFile { Path = path, Label = 0 }).ToList(), new[] { "images" }, grayscale, width, height, scaling);
    }

    /// <summary>Whether <paramref name="path"/> has one of the extensions the readers take as an image (.png, .jpg, .jpeg, .bmp, .gif, .webp, in any case).</summary>
    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    static LabelledImages ReadImages(MLContext mlContext, List<ImageFile> files, string[] classes, bool grayscale, int? width, int? height, PixelScaling scaling)
    {
        // Every file is decoded once here, resized or not, so that one that is not an image is named: in ML.NET's worker
        // threads it would fail as "Splitter/consolidator worker encountered exception", without the file.
        var sizes = files.Select(f => SizeOf(f.Path)).ToArray();
        int w, h;
        if (width is int givenWidth) (w, h) = (givenWidth, height!.Value);
        else
        {
            (w, h) = sizes[0];
            int other = Array.FindIndex(sizes, size => size != (w, h));
            if (other >= 0)
                throw new InvalidDataException($"Image '{files[other].Path}' is {sizes[other].Width} x {sizes[other].Height} but '{files[0].Path}' is {w} x {h}; " +
                    "give a width and height to resize every image to one size.");
        }

        // The R, G and B planes as 0..255 levels; grey is made from them here (ML.NET's ConvertToGrayscale weighs the colours otherwise).
        var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageFile.Path))
            .Append(mlContext.Transforms.ResizeImages("Image", w, h, resizing: ImageResizingEstimator.ResizingKind.Fill))
            .Append(mlContext.Transforms.ExtractPixels("Pixels", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Rgb, interleavePixelColors: false));
        var view = mlContext.Data.LoadFromEnumerable(files);
        var transformed = pipeline.Fit(view).Transform(view);
        var shape = new ImageShape(grayscale ? 1 : 3, h, w);
        int plane = h * w;
        var values = new float[files.Count * shape.Size];
        int row = 0;
        foreach (var pixels in transformed.GetColumn<float[]>("Pixels"))
        {
            if (pixels.Length != 3 * plane)
                throw new InvalidDataException($"Image '{files[row].Path}' gave {pixels.Length} values, not 3 x {h} x {w} = {3 * plane}.");
            var target = values.AsSpan(row * shape.Size, shape.Size);
            for (int p = 0; p < plane; p++)
            {
                byte red = (byte)pixels[p], green = (byte)pixels[plane + p], blue = (byte)pixels[2 * plane + p];
                if (grayscale) target[p] = scaling.Scale(Luminance.Of(red, green, blue));
                else
                {
                    target[p] = scaling.Scale(red);
                    target[plane + p] = scaling.Scale(green);
                    target[2 * plane + p] = scaling.Scale(blue);
                }
            }
            row++;
        }
        return new LabelledImages(values, files.Select(f => f.Label).ToArray(), shape, classes);
    }

    static (int Width, int Height) SizeOf(string path)
    {
        using var image = ImageFiles.Open(path);
        return (image.Width, image.Height);
    }

    sealed class ImageFile
    {
        public string Path { get; set; } = "";
        public int Label { get; set; }
    }
}
