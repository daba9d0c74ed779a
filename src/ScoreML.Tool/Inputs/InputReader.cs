using Microsoft.ML;

namespace ScoreML.Tool.Inputs;

/// <summary>
/// Reads a command's data argument, whatever it is: a folder of images (PNG, JPEG, ... at any depth, read in the order of
/// their paths), an IDX file (.gz allowed), an NPY file or a CSV file of floats. The kind is told by the path and the
/// file's first bytes, not by its name alone. Errors name the argument and the path.
/// </summary>
internal static class InputReader
{
    /// <summary>Whether <paramref name="path"/> is a ScoreML statistics file (read by <see cref="FeatureStatistics.Load"/>).</summary>
    public static bool IsStatistics(string path) => File.Exists(path) && FeatureStatistics.IsStatisticsFile(path);

    /// <summary>The rows of <paramref name="path"/> (all, or the shard's), named <paramref name="role"/> (REAL, DATA...) in errors.</summary>
    public static DataSet Read(string path, string role, InputOptions options, Shard? shard, CancellationToken cancellation)
    {
        if (Directory.Exists(path)) return ReadFolder(path, role, options, shard, cancellation);
        if (!File.Exists(path)) throw new FileNotFoundException($"{role} '{path}' does not exist.", path);
        if (options.Resize is not null || options.Grayscale)
            throw new UsageException($"--resize and --grayscale apply to image folders; {role} '{path}' is a file.");
        var start = new byte[16];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (read == 0) throw new InvalidDataException($"{role} '{path}' is an empty file.");
        var head = start.AsSpan(0, read);
        DataSet data;
        if (FeatureStatistics.IsStatisticsFile(path))
            throw new UsageException($"{role} '{path}' is a statistics file; this command needs the data themselves.");
        if (NpyFile.HasMagic(head))
        {
            var (values, rows, columns) = NpyFile.Read(path);
            data = new DataSet(path, "NPY file", values, rows, columns, null, 0, rows);
        }
        else if (IdxFile.HasMagic(head))
        {
            var (values, rows, dimension, shape) = IdxFile.Read(path);
            data = new DataSet(path, "IDX file", values, rows, dimension, shape, 0, rows);
        }
        else if (Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".txt")
        {
            var (values, rows, columns) = CsvFile.Read(path, cancellation);
            data = new DataSet(path, "CSV file", values, rows, columns, null, 0, rows);
        }
        else
        {
            throw new InvalidDataException($"{role} '{path}' is none of what scoreml reads: a folder of images, an IDX file (.gz allowed), an .npy file, " +
                "a .csv file of floats or a ScoreML statistics file.");
        }
        if (options.Shape is ImageShape given)
        {
            if (given.Size != data.Dimension)
                throw new UsageException($"--shape {given} is {given.Size} values per row, but {role} '{path}' has rows of {data.Dimension}.");
            data = data with { Shape = given };
        }
        if (shard is Shard s)
        {
            var (first, count) = s.Rows(data.Rows);
            if (count == 0) throw new UsageException($"--shard {s}: {role} '{path}' has {data.Rows} rows, fewer than the {s.Count} shards; this shard has none.");
            data = data.Slice(first, count);
        }
        return data;
    }

    static DataSet ReadFolder(string folder, string role, InputOptions options, Shard? shard, CancellationToken cancellation)
    {
        if (options.Shape is not null) throw new UsageException($"--shape applies to CSV, NPY and IDX rows; {role} '{folder}' is an image folder, whose images have their own size.");
        var files = ImageFiles(folder);
        if (files.Count == 0)
            throw new InvalidDataException($"{role} '{folder}' holds no images (.png, .jpg, .jpeg, .bmp, .gif or .webp files, in it or in its sub-folders).");
        long first = 0;
        int count = files.Count;
        if (shard is Shard s)
        {
            (first, count) = s.Rows(files.Count);
            if (count == 0) throw new UsageException($"--shard {s}: {role} '{folder}' has {files.Count} images, fewer than the {s.Count} shards; this shard has none.");
        }
        cancellation.ThrowIfCancellationRequested();
        LabelledImages images;
        try
        {
            images = ImageFolder.ReadFiles(new MLContext(seed: 0), files.Skip((int)first).Take(count).ToList(), options.Grayscale,
                options.Resize?.Width, options.Resize?.Height);
        }
        catch (InvalidDataException e) when (options.Resize is null && e.Message.Contains("resize every image to one size", StringComparison.Ordinal))
        {
            // The library's message asks for a width and height; on the command line they are one option.
            throw new InvalidDataException($"{e.Message} Here: --resize WxH.", e);
        }
        return new DataSet(folder, "image folder", images.Pixels, images.Count, images.Shape.Size, images.Shape, first, files.Count);
    }

    /// <summary>Every image file under <paramref name="folder"/>, at any depth, hidden files and folders left out, in ordinal order of their relative paths.</summary>
    public static List<string> ImageFiles(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = false };
        return Directory.EnumerateFiles(folder, "*", options)
            .Where(f => ImageFolder.IsImageFile(f) && !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .OrderBy(f => Path.GetRelativePath(folder, f), StringComparer.Ordinal)
            .ToList();
    }
}
