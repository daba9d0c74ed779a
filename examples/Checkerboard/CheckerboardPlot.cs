using ScottPlot;

namespace Checkerboard;

/// <summary>Draws generated samples over the checkerboard's occupied squares.</summary>
internal static class CheckerboardPlot
{
    public static void Save(string path, string title, float[] samples)
    {
        var plot = new Plot();
        for (int row = -2; row < 2; row++)
            for (int column = -2; column < 2; column++)
            {
                if (((row + column) % 2 + 2) % 2 != 0) continue;
                var square = plot.Add.Rectangle(column * 2, column * 2 + 2, row * 2, row * 2 + 2);
                square.FillStyle.Color = Colors.LightGray.WithAlpha(0.6);
                square.LineStyle.Width = 0;
            }
        double[] xs = Enumerable.Range(0, samples.Length / 2).Select(i => (double)samples[2 * i]).ToArray();
        double[] ys = Enumerable.Range(0, samples.Length / 2).Select(i => (double)samples[2 * i + 1]).ToArray();
        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerSize = 2;
        points.Color = Colors.Navy.WithAlpha(0.6);
        plot.Axes.SetLimits(-5, 5, -5, 5);
        plot.Title(title);
        // Written under a temporary name and renamed, so a failed write never leaves half a picture.
        string temp = path + ".tmp.png";
        plot.SavePng(temp, 640, 640);
        File.Move(temp, path, overwrite: true);
    }
}
