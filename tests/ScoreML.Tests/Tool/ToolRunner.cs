using System.Globalization;
using System.Text.Json;
using ScoreML.Tool;

namespace ScoreML.Tests.Tool;

/// <summary>Runs the scoreml command in-process, as a user would type it, and keeps what it printed.</summary>
internal sealed record ToolRun(int ExitCode, string Out, string Error)
{
    public static ToolRun Of(params string[] args) => With(CancellationToken.None, args);

    public static ToolRun With(CancellationToken cancellation, params string[] args)
    {
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = ScoreMLTool.Run(args, stdout, stderr, cancellation);
        return new ToolRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Fails the test, showing what the command printed, unless it exited with <paramref name="expected"/>.</summary>
    public ToolRun Expect(int expected)
    {
        Assert.AreEqual(expected, ExitCode, $"exit code; stdout:\n{Out}\nstderr:\n{Error}");
        return this;
    }

    /// <summary>The value after "FID:  " (pytorch-fid's line).</summary>
    public double Fid()
    {
        var line = Out.Split('\n').Single(l => l.StartsWith("FID:  ", StringComparison.Ordinal));
        return double.Parse(line["FID:  ".Length..], CultureInfo.InvariantCulture);
    }

    public JsonElement Json() => JsonDocument.Parse(Out).RootElement;
}

/// <summary>Small data the tool tests write: PNG folders, CSV files of points.</summary>
internal static class ToolData
{
    /// <summary><paramref name="count"/> random RGB PNGs of <paramref name="side"/> x <paramref name="side"/>, pixels around <paramref name="brightness"/>.</summary>
    public static string PngFolder(string root, string name, int count, int side, double brightness, int seed)
    {
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var shape = new ImageShape(3, side, side);
        for (int i = 0; i < count; i++)
        {
            var pixels = Enumerable.Range(0, shape.Size).Select(_ => (float)Math.Clamp(brightness + 0.25 * (random.NextDouble() - 0.5), 0, 1)).ToArray();
            PngImages.Save(pixels, shape, PixelScaling.ZeroToOne, Path.Combine(folder, $"img{i:D3}.png"));
        }
        return folder;
    }

    /// <summary>A CSV of <paramref name="rows"/> 2-D points of a Gaussian at (<paramref name="shift"/>, 0).</summary>
    public static string PointsCsv(string root, string name, int rows, double shift, int seed)
    {
        var random = new Random(seed);
        string path = Path.Combine(root, name);
        File.WriteAllLines(path, Enumerable.Range(0, rows).Select(_ => string.Create(CultureInfo.InvariantCulture,
            $"{shift + Normal(random):R},{0.5 * Normal(random):R}")));
        return path;
    }

    static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
