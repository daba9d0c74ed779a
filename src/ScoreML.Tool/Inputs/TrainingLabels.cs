using System.Globalization;

namespace ScoreML.Tool.Inputs;

/// <summary>
/// The classes of <c>scoreml train --labels</c>: <c>folders</c> (each image's class is the first sub-folder of DATA it lies
/// in, as ML.NET's and torchvision's image-folder readers take it), or a file with one label per DATA row: a 1-dimensional
/// IDX file of bytes (MNIST's label files) or a text file with one integer per line. The distinct labels, in order, are
/// the classes 0 .. K-1 and name them.
/// </summary>
internal sealed record TrainingLabels(int[] Classes, string[] Names)
{
    /// <summary>Reads the labels <paramref name="source"/> names for <paramref name="data"/>, refused unless there is one per row
    /// and there are at least two classes.</summary>
    public static TrainingLabels Read(string source, DataSet data, string dataPath)
    {
        string[] raw;
        if (source == "folders")
        {
            if (!Directory.Exists(dataPath))
                throw new UsageException($"--labels folders takes each image's class from its sub-folder of an image folder; DATA '{dataPath}' is not a folder.");
            var files = InputReader.ImageFiles(dataPath);
            raw = files.Select(f =>
            {
                var parts = Path.GetRelativePath(dataPath, f).Split(Path.DirectorySeparatorChar);
                return parts.Length >= 2 ? parts[0]
                    : throw new InvalidDataException($"--labels folders: image '{f}' lies directly in DATA '{dataPath}', not in a class sub-folder.");
            }).ToArray();
        }
        else
        {
            if (!File.Exists(source)) throw new FileNotFoundException($"--labels: file '{source}' does not exist.", source);
            byte[] start = new byte[4];
            using (var stream = File.OpenRead(source)) _ = stream.Read(start, 0, 4);
            raw = IdxFile.HasMagic(start)
                ? IdxFile.ReadLabels(source).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray()
                : TextLabels(source);
        }
        if (raw.Length != data.Rows)
            throw new InvalidDataException($"--labels '{source}' gives {raw.Length} labels but DATA {data.Describe()} has {data.Rows} rows; give one label per row.");
        // Integer labels in numeric order, names in ordinal order.
        var names = raw.All(r => long.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            ? raw.Distinct().OrderBy(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray()
            : raw.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (names.Length < 2)
            throw new InvalidDataException($"--labels '{source}' holds a single class ('{names.FirstOrDefault()}'); a classifier needs at least two.");
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        return new TrainingLabels(raw.Select(r => index[r]).ToArray(), names);
    }

    static string[] TextLabels(string path)
    {
        var lines = File.ReadAllLines(path);
        var labels = new List<string>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (!long.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                throw new InvalidDataException($"--labels: line {i + 1} of '{path}' is '{line}', not an integer label.");
            labels.Add(line);
        }
        return labels.ToArray();
    }
}
