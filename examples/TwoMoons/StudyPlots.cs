using System.Numerics;
using ScottPlot;

namespace TwoMoons;

/// <summary>The study's pictures: score fields and samples per method (in the spirit of the paper's Fig. 1), and the ablation curves.</summary>
internal static class StudyPlots
{
    static readonly Color[] ClassColors = { Colors.RoyalBlue, Colors.DarkOrange };

    /// <summary>One column per method: the posterior score fields of both classes at sigma = 7.5 on top, the samples below.</summary>
    public static void SaveFieldsAndSamples(string path, Dictionary<string, MethodResult> results, TrainedModels trained)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2 * results.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 2, columns: results.Count);
        int column = 0;
        foreach (var (name, result) in results)
        {
            var field = multiplot.GetPlot(column);
            for (int c = 0; c < 2; c++)
            {
                var vectors = new List<RootedCoordinateVector>();
                for (int i = 0; i < Study.FieldGrid.Length / 2; i++)
                    vectors.Add(new RootedCoordinateVector(new Coordinates(Study.FieldGrid[2 * i], Study.FieldGrid[2 * i + 1]),
                        new Vector2(result.Field[c][2 * i], result.Field[c][2 * i + 1])));
                var arrows = field.Add.VectorField(vectors);
                arrows.ArrowStyle.LineStyle.Color = ClassColors[c].WithAlpha(0.7);
            }
            field.Title($"{name}: grad log p(x|y), sigma 7.5");
            Limits(field);

            var scatter = multiplot.GetPlot(results.Count + column);
            for (int c = 0; c < 2; c++)
            {
                float[] s = result.Samples[c];
                int shown = Math.Min(2000, s.Length / 2);
                var points = scatter.Add.ScatterPoints(
                    Enumerable.Range(0, shown).Select(i => (double)s[2 * i]).ToArray(),
                    Enumerable.Range(0, shown).Select(i => (double)s[2 * i + 1]).ToArray());
                points.MarkerSize = 2;
                points.Color = ClassColors[c].WithAlpha(0.5);
            }
            scatter.Title($"{name}: P {result.Precision[0]:F2}|{result.Precision[1]:F2} R {result.Recall[0]:F2}|{result.Recall[1]:F2}");
            Limits(scatter);
            column++;
        }
        Save(path, () => multiplot.SavePng(path + ".tmp.png", 420 * results.Count, 760));
    }

    /// <summary>D_P, D_L and cross-entropy over training for the classifiers trained with CE, DLSM and DLSM+CE (Table A3's ablation).</summary>
    public static void SaveAblation(string path, Dictionary<string, TrainingCurve> curves)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(3);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 1, columns: 3);
        var panels = new (string Title, Func<TrainingCurve, List<double>> Values)[]
        {
            ("D_P at sigma 7.5", c => c.PosteriorError), ("D_L at sigma 7.5", c => c.LikelihoodError), ("cross-entropy", c => c.CrossEntropy),
        };
        for (int p = 0; p < panels.Length; p++)
        {
            var plot = multiplot.GetPlot(p);
            foreach (var (name, curve) in curves)
            {
                var line = plot.Add.Scatter(curve.Steps.Select(s => (double)s).ToArray(), panels[p].Values(curve).ToArray());
                line.LegendText = name switch { "ce" => "CE", "dlsm" => "DLSM", _ => "DLSM+CE" };
            }
            plot.Title(panels[p].Title);
            plot.XLabel("training step");
            plot.ShowLegend();
        }
        Save(path, () => multiplot.SavePng(path + ".tmp.png", 1500, 450));
    }

    static void Limits(Plot plot) => plot.Axes.SetLimits(-StudySettings.GridHalfWidth, StudySettings.GridHalfWidth,
        -StudySettings.GridHalfHeight, StudySettings.GridHalfHeight);

    // Written under a temporary name and renamed, so a failed write never leaves half a picture.
    static void Save(string path, Action write)
    {
        write();
        File.Move(path + ".tmp.png", path, overwrite: true);
    }
}
