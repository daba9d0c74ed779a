using ScoreML;
using System.Globalization;
using ScoreML.Images;
using ScoreML.Networks;

namespace ConsumeModel;

/// <summary>
/// Writes generated samples: a CSV of vectors (one sample per line, no header, invariant round-trip numbers), PNGs of
/// images. Each file goes to a temporary name and is renamed.
/// </summary>
internal static class SampleFiles
{
    public static string WriteCsv(IReadOnlyList<float[]> samples, string path)
    {
        string temp = path + ".tmp";
        using (var writer = new StreamWriter(temp))
        {
            foreach (var row in samples) writer.WriteLine(string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>sample-0000.png, ... and grid.png (10 per row); returns the number of samples written.</summary>
    public static int WritePngs(IReadOnlyList<float[]> samples, ImageShape shape, string pixels, string directory)
    {
        var scaling = pixels switch
        {
            "01" => PixelScaling.ZeroToOne,
            "pm1" => PixelScaling.MinusOneToOne,
            _ => throw new ArgumentException($"--pixels must be 01 or pm1, not '{pixels}'."),
        };
        for (int i = 0; i < samples.Count; i++) Replace(Path.Combine(directory, $"sample-{i:D4}.png"), temp => PngImages.Save(samples[i], shape, scaling, temp));
        var rows = samples.Chunk(10).Select(r => (IReadOnlyList<float[]>)r).ToList();
        Replace(Path.Combine(directory, "grid.png"), temp => PngImages.SaveGrid(rows, shape, scaling, temp));
        return samples.Count;
    }

    static void Replace(string path, Action<string> write)
    {
        string temp = path + ".tmp.png";
        write(temp);
        File.Move(temp, path, overwrite: true);
    }
}
