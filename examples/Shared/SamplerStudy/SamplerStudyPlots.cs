using ScottPlot;
using ScoreML;

namespace ScoreML.Examples;

/// <summary>
/// A sampler study's samplers.png: each metric against network evaluations on a log axis, a line per fast sampler with its
/// 95 % intervals, PC as a point and a dashed level.
/// </summary>
internal static class SamplerStudyPlots
{
    /// <param name="lowerIsBetter">Metrics whose title says "lower is better".</param>
    public static void Save(string path, List<SamplerRun> runs, IReadOnlyList<string> metrics, IReadOnlySet<string> lowerIsBetter)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(metrics.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 1, columns: metrics.Count);
        var pc = runs.Single(r => r.IsPredictorCorrector);
        // A log axis drawn as log10 of the evaluations with the decades labelled: ScottPlot 5 has no logarithmic axis of its own.
        double[] ticks = { 10, 20, 50, 100, 200, 500, 1000, 2000 };
        for (int p = 0; p < metrics.Count; p++)
        {
            string metric = metrics[p];
            var plot = multiplot.GetPlot(p);
            var palette = new ScottPlot.Palettes.Category10();
            int index = 0;
            foreach (var group in runs.Where(r => r.Kind != SamplerKind.PredictorCorrector).GroupBy(r => r.Sampler))
            {
                // Explicit colours: the interval segments would otherwise take the next palette colours and shift the lines'.
                var color = palette.GetColor(index++);
                var points = group.OrderBy(r => r.CountedEvaluations).ToArray();
                var line = plot.Add.Scatter(points.Select(r => Math.Log10(r.CountedEvaluations)).ToArray(), points.Select(r => r.Quality[metric].Value).ToArray());
                line.LegendText = group.Key;
                line.Color = color;
                // The 95 % bootstrap intervals (asymmetric) as vertical segments.
                foreach (var r in points)
                {
                    double x = Math.Log10(r.CountedEvaluations);
                    var segment = plot.Add.Line(x, r.Quality[metric].Low, x, r.Quality[metric].High);
                    segment.Color = color;
                }
            }
            var level = plot.Add.HorizontalLine(pc.Quality[metric].Value);
            level.LinePattern = LinePattern.Dashed;
            level.Color = Colors.Black;
            var marker = plot.Add.ScatterPoints(new[] { Math.Log10(pc.CountedEvaluations) }, new[] { pc.Quality[metric].Value });
            marker.Color = Colors.Black;
            marker.MarkerSize = 9;
            marker.LegendText = $"PC, {SamplerRun.PredictorCorrectorSteps} steps";
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(Math.Log10).ToArray(), ticks.Select(t => t.ToString("G")).ToArray());
            plot.Title(metric + (lowerIsBetter.Contains(metric) ? " (lower is better)" : ""));
            plot.XLabel("network evaluations per sample (log)");
            plot.ShowLegend(Edge.Right);   // outside the data, so no point hides behind it
        }
        multiplot.SavePng(path + ".tmp.png", 600 * metrics.Count, 460);
        File.Move(path + ".tmp.png", path, overwrite: true);
    }
}
