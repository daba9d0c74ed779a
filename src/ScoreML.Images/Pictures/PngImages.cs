using ScoreML.Images;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>
/// Generated (or real) rows back to pictures: one PNG per row, or a grid with one row of tiles per class (as the DLSM
/// paper's sample figures). Pixel values are mapped back with the <see cref="PixelScaling"/> they were read with, rounded and
/// clamped to 0..255; one channel is drawn grey. Files are written under a temporary name and renamed.
/// </summary>
public static class PngImages
{
    /// <summary>Writes one image row as a PNG.</summary>
    public static void Save(ReadOnlySpan<float> row, ImageShape shape, PixelScaling scaling, string path)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (row.Length != shape.Size) throw new ArgumentException($"The row has {row.Length} values, not {shape} = {shape.Size}.", nameof(row));
        var rgba = new byte[shape.Height * shape.Width * 4];
        Draw(row, shape, scaling, rgba, shape.Width, 0, 0);
        Write(rgba, shape.Width, shape.Height, path);
    }

    /// <summary>
    /// Writes a grid: <paramref name="tiles"/>[r] holds the images of grid row r (e.g. the samples of class r), each a row of
    /// <paramref name="shape"/>; rows may differ in length. Tiles are separated by <paramref name="padding"/> white pixels.
    /// </summary>
    public static void SaveGrid(IReadOnlyList<IReadOnlyList<float[]>> tiles, ImageShape shape, PixelScaling scaling, string path, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(shape);
        if (tiles.Count == 0 || tiles.All(r => r.Count == 0)) throw new ArgumentException("The grid has no images.", nameof(tiles));
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding cannot be negative.");
        int columns = tiles.Max(r => r.Count);
        int width = columns * shape.Width + (columns + 1) * padding;
        int height = tiles.Count * shape.Height + (tiles.Count + 1) * padding;
        var rgba = new byte[width * height * 4];
        Array.Fill(rgba, (byte)255);
        for (int r = 0; r < tiles.Count; r++)
            for (int c = 0; c < tiles[r].Count; c++)
            {
                var tile = tiles[r][c];
                if (tile.Length != shape.Size) throw new ArgumentException($"Grid tile ({r}, {c}) has {tile.Length} values, not {shape} = {shape.Size}.", nameof(tiles));
                Draw(tile, shape, scaling, rgba, width, padding + c * (shape.Width + padding), padding + r * (shape.Height + padding));
            }
        Write(rgba, width, height, path);
    }

    /// <summary>
    /// Reads a PNG (or any image ML.NET can load) back into a row of the given shape's size and channels, 1 or 3. Three
    /// channels are the R, G and B planes. One channel is the grey level: a colour image is converted by ITU-R BT.601 luma,
    /// 0.299 R + 0.587 G + 0.114 B rounded as Pillow's <c>convert("L")</c> and torchvision's <c>Grayscale</c> do (see
    /// <see cref="Luminance"/>), which leaves a grey image, such as <see cref="Save"/> writes for one channel, unchanged.
    /// Alpha is ignored.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    /// <exception cref="InvalidDataException">The file is not an image, or not of the shape's width and height (the message names it).</exception>
    public static float[] Load(string path, ImageShape shape, PixelScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Channels is not (1 or 3)) throw new ArgumentException($"Only 1- or 3-channel images can be read; the shape is {shape}.", nameof(shape));
        using var image = ImageFiles.Open(path);
        if (image.Width != shape.Width || image.Height != shape.Height)
            throw new InvalidDataException($"Image '{path}' is {image.Width} x {image.Height}, not {shape.Width} x {shape.Height}.");
        var pixels = image.Pixels;   // 4 bytes per pixel, in the image's PixelFormat order
        bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
        var row = new float[shape.Size];
        int plane = shape.Height * shape.Width;
        for (int p = 0; p < plane; p++)
        {
            byte red = pixels[4 * p + (bgra ? 2 : 0)], green = pixels[4 * p + 1], blue = pixels[4 * p + (bgra ? 0 : 2)];
            if (shape.Channels == 1) row[p] = scaling.Scale(Luminance.Of(red, green, blue));
            else
            {
                row[p] = scaling.Scale(red);
                row[plane + p] = scaling.Scale(green);
                row[2 * plane + p] = scaling.Scale(blue);
            }
        }
        return row;
    }

    static void Draw(ReadOnlySpan<float> row, ImageShape shape, PixelScaling scaling, byte[] rgba, int canvasWidth, int left, int top)
    {
        if (shape.Channels is not (1 or 3)) throw new ArgumentException($"Only 1- or 3-channel images can be drawn; the shape is {shape}.", nameof(shape));
        int plane = shape.Height * shape.Width;
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
            {
                int p = y * shape.Width + x;
                int target = 4 * ((top + y) * canvasWidth + left + x);
                byte red = scaling.Unscale(row[p]);
                rgba[target] = red;
                rgba[target + 1] = shape.Channels == 1 ? red : scaling.Unscale(row[plane + p]);
                rgba[target + 2] = shape.Channels == 1 ? red : scaling.Unscale(row[2 * plane + p]);
                rgba[target + 3] = 255;
            }
    }

    static void Write(byte[] rgba, int width, int height, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        string temporary = path + ".tmp-" + Environment.ProcessId + ".png";
        using (var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, rgba))
            image.Save(temporary);
        File.Move(temporary, path, overwrite: true);
    }
}
