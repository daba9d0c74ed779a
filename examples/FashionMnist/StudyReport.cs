using System.Globalization;
using System.Text;
using ScoreML;

namespace FashionMnist;

/// <summary>
/// The study across seeds: each method's metrics as a mean with its 95 % interval, each method's difference from base with
/// its interval and a verdict, and FD_ResNet18 as a multiple of the real floor. With two seeds or more the intervals are
/// Student's t across seeds (differences paired by seed), which covers retraining; with one seed they are the run's own
/// (bootstrap, Wilson), which cover only the sampling of this run's images, and a difference's interval is the estimate ±
/// the root sum of squares of the two half-widths (the two sets are independent samples).
/// </summary>
internal sealed class StudyReport
{
    /// <summary>Metrics where lower is better (the rest: higher).</summary>
    static bool LowerIsBetter(string metric) => metric.StartsWith("fid", StringComparison.Ordinal) || metric.StartsWith("kid", StringComparison.Ordinal);

    /// <summary>The metrics whose differences from base the report states (the issue's question: does DLSM improve on base?).</summary>
    public static readonly string[] Compared = { "cas", "fid_resnet18", "kid_resnet18", "precision_resnet18", "recall_resnet18", "fid_classifier" };

    readonly IReadOnlyList<SeedResult> seeds;
    readonly IReadOnlyList<GuidanceMethod> methods;

    public StudyReport(IReadOnlyList<SeedResult> seeds, IReadOnlyList<GuidanceMethod> methods)
    {
        this.seeds = seeds;
        this.methods = methods;
    }

    public string IntervalKind => seeds.Count >= 2
        ? $"95 % Student's t interval across {seeds.Count} seeds (training included); differences paired by seed"
        : "95 % interval of the one run (bootstrap over generated or real rows, Wilson for CAS; KID: the spread of its subsets); " +
          "differences: the estimate ± the root sum of squares of the two half-widths. They do not cover retraining: use --seeds";

    /// <summary>A metric over the seeds: the mean and its interval.</summary>
    public Summary Of(Func<SeedResult, Dictionary<string, MetricValue>> set, string metric)
    {
        var values = seeds.Select(s => set(s).TryGetValue(metric, out var v) ? v : null).ToArray();
        if (values.Any(v => v is null)) return Summary.Missing;
        if (seeds.Count >= 2)
        {
            var interval = ConfidenceInterval.AcrossRuns(values.Select(v => v!.Value).ToArray());
            return new Summary(values.Average(v => v!.Value), interval.Lower, interval.Upper, values.Select(v => v!.Value).ToArray());
        }
        var one = values[0]!;
        return new Summary(one.Value, one.Lower, one.Upper, new[] { one.Value });
    }

    /// <summary>method − base on <paramref name="metric"/>, with its interval and whether this study can tell them apart.</summary>
    public Difference DifferenceFromBase(string method, string metric) => Between(method, GuidanceMethod.Baseline, metric);

    /// <summary>
    /// <paramref name="a"/> − <paramref name="b"/> on <paramref name="metric"/>: paired by seed with two seeds or more, else the
    /// estimate ± the root sum of squares of the two runs' half-widths.
    /// </summary>
    public Difference Between(string a, string b, string metric)
    {
        var x = Of(s => s.Methods[a], metric);
        var y = Of(s => s.Methods[b], metric);
        if (x.IsMissing || y.IsMissing) return Difference.Missing;
        double lower, upper, mean;
        if (seeds.Count >= 2)
        {
            var interval = ConfidenceInterval.PairedDifference(x.PerSeed, y.PerSeed);
            (mean, lower, upper) = (x.PerSeed.Zip(y.PerSeed, (u, v) => u - v).Average(), interval.Lower, interval.Upper);
        }
        else
        {
            if (x.Lower is null || y.Lower is null) return Difference.Missing;
            mean = x.Mean - y.Mean;
            double half = Math.Sqrt(Math.Pow((x.Upper!.Value - x.Lower.Value) / 2, 2) + Math.Pow((y.Upper!.Value - y.Lower.Value) / 2, 2));
            (lower, upper) = (mean - half, mean + half);
        }
        return new Difference(mean, lower, upper, Verdict(a, mean, lower, upper, LowerIsBetter(metric)));
    }

    /// <summary>"differs: X is better" when the interval of a difference excludes 0, else "cannot tell at this size".</summary>
    static string Verdict(string name, double mean, double lower, double upper, bool lowerIsBetter) =>
        Difference.Excludes0(lower, upper) ? $"differs: {name} is {((mean < 0) == lowerIsBetter ? "better" : "worse")}" : "cannot tell at this size";

    /// <summary>
    /// The paper's method (DLSM + CE) against each classifier-free method the run has, on <see cref="Compared"/>: dlsm+ce − cfg.
    /// The "-half" methods sample at about DLSM's cost (half the evaluations; --costs), so their rows are the comparison at
    /// matched sampling cost; the others give CFG twice DLSM's network passes a step at w &gt; 0.
    /// </summary>
    public IEnumerable<(string Method, string Metric, Difference Difference)> DlsmAgainstClassifierFree() =>
        methods.Any(m => m.Name == GuidanceMethod.Showcase)
            ? methods.Where(m => m.IsClassifierFree).SelectMany(m => Compared.Select(k => (m.Name, k, Between(GuidanceMethod.Showcase, m.Name, k))))
                .Where(t => !t.Item3.IsMissing)
            : Enumerable.Empty<(string, string, Difference)>();

    /// <summary>The metrics every pair of methods is compared on (the study's two headline numbers).</summary>
    public static readonly string[] ComparedPairwise = { "cas", "fid_resnet18" };

    /// <summary>Every unordered pair of methods, in the order they were run.</summary>
    IEnumerable<(string A, string B)> Pairs() =>
        methods.SelectMany((m, i) => methods.Skip(i + 1).Select(n => (m.Name, n.Name)));

    public Dictionary<string, object?> ToJson()
    {
        var allMetrics = seeds[0].Methods.Values.SelectMany(m => m.Keys).Distinct().ToArray();
        object SummaryJson(Summary s) => new Dictionary<string, object?> { ["mean"] = s.Mean, ["ci"] = s.Lower is null ? null : new[] { s.Lower, s.Upper }, ["per_seed"] = s.PerSeed };
        return new Dictionary<string, object?>
        {
            ["seeds"] = seeds.Select(s => s.Seed).ToArray(),
            ["intervals"] = IntervalKind,
            ["judges"] = seeds[0].Judges,
            ["methods"] = methods.ToDictionary(m => m.Name, m => allMetrics.ToDictionary(k => k, k => SummaryJson(Of(s => s.Methods[m.Name], k)))),
            ["real_floor"] = allMetrics.ToDictionary(k => k, k => SummaryJson(Of(s => s.Floor, k))),
            ["fid_resnet18_over_floor"] = methods.ToDictionary(m => m.Name, m => FloorMultiple(m.Name)),
            ["differences_from_base"] = methods.Where(m => m.Name != GuidanceMethod.Baseline).ToDictionary(m => m.Name,
                m => Compared.ToDictionary(k => k, k => DifferenceFromBase(m.Name, k) is { IsMissing: false } d
                    ? new Dictionary<string, object?> { ["mean"] = d.Mean, ["ci"] = new[] { d.Lower, d.Upper }, ["verdict"] = d.Verdict } : null)),
            ["dlsm_ce_minus_classifier_free"] = DlsmAgainstClassifierFree().GroupBy(t => t.Method).ToDictionary(g => g.Key, g => g.ToDictionary(t => t.Metric,
                t => new Dictionary<string, object?> { ["mean"] = t.Difference.Mean, ["ci"] = new[] { t.Difference.Lower, t.Difference.Upper }, ["verdict"] = t.Difference.Verdict })),
            ["pairwise"] = ComparedPairwise.ToDictionary(k => k, k => Pairs().Select(p => Between(p.A, p.B, k) is { IsMissing: false } d
                ? new Dictionary<string, object?> { ["a"] = p.A, ["b"] = p.B, ["a_minus_b"] = d.Mean, ["ci"] = new[] { d.Lower, d.Upper }, ["verdict"] = d.Verdict } : null).ToArray()),
            ["noise_levels"] = NoiseLevels().Select(level => new Dictionary<string, object?>
            {
                ["time"] = level.Time,
                ["sigma"] = level.Sigma,
                ["accuracy"] = level.Accuracy,
                ["cross_entropy"] = level.CrossEntropy,
                ["guided_dsm"] = level.GuidedDsm.ToDictionary(p => p.Key, p => SummaryJson(p.Value)),
                ["guided_dsm_minus_base"] = level.MinusBase.ToDictionary(p => p.Key, p => (object)new Dictionary<string, object?>
                    { ["mean"] = p.Value.Mean, ["ci"] = new[] { p.Value.Lower, p.Value.Upper }, ["verdict"] = p.Value.Verdict }),
            }).ToArray(),
        };
    }

    /// <summary>
    /// The noise-level diagnostics over the seeds: means, with Student's t across seeds (two or more) or the one seed's
    /// intervals over its test images.
    /// </summary>
    public IReadOnlyList<NoiseLevelSummary> NoiseLevels()
    {
        if (seeds.Any(s => s.NoiseLevels.Count == 0)) return Array.Empty<NoiseLevelSummary>();
        var summaries = new List<NoiseLevelSummary>();
        for (int i = 0; i < seeds[0].NoiseLevels.Count; i++)
        {
            var levels = seeds.Select(s => s.NoiseLevels[i]).ToArray();
            Dictionary<string, double> Mean(Func<NoiseLevelResult, Dictionary<string, double>> pick) =>
                pick(levels[0]).Keys.ToDictionary(k => k, k => levels.Average(l => pick(l)[k]));
            Summary Across(Func<NoiseLevelResult, MetricValue> pick)
            {
                var values = levels.Select(pick).ToArray();
                if (values.Length == 1) return new Summary(values[0].Value, values[0].Lower, values[0].Upper, new[] { values[0].Value });
                var interval = ConfidenceInterval.AcrossRuns(values.Select(v => v.Value).ToArray());
                return new Summary(values.Average(v => v.Value), interval.Lower, interval.Upper, values.Select(v => v.Value).ToArray());
            }
            var dsm = levels[0].GuidedDsm.Keys.ToDictionary(k => k, k => Across(l => l.GuidedDsm[k]));
            // Keys every seed has (a seed read back by --resume may come from a run that measured fewer).
            var minusBase = levels[0].GuidedDsmMinusBase.Keys.Where(k => levels.All(l => l.GuidedDsmMinusBase.ContainsKey(k))).ToDictionary(k => k, k =>
            {
                var d = Across(l => l.GuidedDsmMinusBase[k]);
                double lower = d.Lower ?? double.NaN, upper = d.Upper ?? double.NaN;
                return new Difference(d.Mean, lower, upper, Verdict(k, d.Mean, lower, upper, lowerIsBetter: true));
            });
            summaries.Add(new NoiseLevelSummary(levels[0].Time, levels.Average(l => l.Sigma), Mean(l => l.Accuracy), Mean(l => l.CrossEntropy), dsm, minusBase));
        }
        return summaries;
    }

    /// <summary>FD_ResNet18 of the method over the real floor's, per seed and then averaged.</summary>
    public double? FloorMultiple(string method)
    {
        var ratios = seeds.Select(s => s.Methods[method].TryGetValue("fid_resnet18", out var m) && s.Floor.TryGetValue("fid_resnet18", out var f) ? m.Value / f.Value : double.NaN).ToArray();
        return ratios.Any(double.IsNaN) ? null : ratios.Average();
    }

    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine($"Intervals: {IntervalKind}.");
        text.AppendLine();
        text.AppendLine($"{"method",-12}{"FD_ResNet18",-26}{"x floor",8}  {"KID_ResNet18",-26}{"P",7}{"R",7}{"D",7}{"C",7}  {"CAS",-24}{"FID_domain",-24}{"IS_domain",9}");
        void Row(string name, Func<SeedResult, Dictionary<string, MetricValue>> set, double? multiple)
        {
            string F(string metric, string format, int width) => Of(set, metric).Format(format).PadRight(width);
            string V(string metric, string format, int width) => (Of(set, metric) is { IsMissing: false } s ? s.Mean.ToString(format, CultureInfo.InvariantCulture) : "-").PadLeft(width);
            text.AppendLine($"{name,-12}{F("fid_resnet18", "F2", 26)}{(multiple is double x ? x.ToString("F2", CultureInfo.InvariantCulture) : "1"),8}  {F("kid_resnet18", "F3", 26)}" +
                            $"{V("precision_resnet18", "F3", 7)}{V("recall_resnet18", "F3", 7)}{V("density_resnet18", "F3", 7)}{V("coverage_resnet18", "F3", 7)}  " +
                            $"{F("cas", "F3", 24)}{F("fid_classifier", "F2", 24)}{V("is_classifier", "F2", 9)}");
        }
        foreach (var method in methods) Row(method.Name, s => s.Methods[method.Name], FloorMultiple(method.Name));
        Row("real floor", s => s.Floor, null);
        text.AppendLine();
        text.AppendLine("Each method against base (method − base):");
        foreach (var method in methods.Where(m => m.Name != GuidanceMethod.Baseline))
            foreach (var metric in Compared)
                if (DifferenceFromBase(method.Name, metric) is { IsMissing: false } d)
                    text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {method.Name,-12}{metric,-20}{d.Mean,9:+0.000;-0.000} [{d.Lower:+0.000;-0.000}, {d.Upper:+0.000;-0.000}]  {d.Verdict}"));
        var dlsmAgainstCfg = DlsmAgainstClassifierFree().ToArray();
        if (dlsmAgainstCfg.Length > 0)
        {
            text.AppendLine();
            text.AppendLine($"{GuidanceMethod.Showcase} against classifier-free guidance ({GuidanceMethod.Showcase} − method; the -half methods at about its sampling cost):");
            foreach (var (method, metric, d) in dlsmAgainstCfg)
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {method,-12}{metric,-20}{d.Mean,9:+0.000;-0.000} [{d.Lower:+0.000;-0.000}, {d.Upper:+0.000;-0.000}]  {d.Verdict}"));
        }
        foreach (var metric in ComparedPairwise)
        {
            text.AppendLine();
            text.AppendLine($"Every pair on {metric} (row − column, then > or < where this study can tell them apart and = where it cannot):");
            text.AppendLine($"{"",-12}" + string.Concat(methods.Skip(1).Select(m => $"{m.Name,14}")));
            foreach (var (row, i) in methods.SkipLast(1).Select((m, i) => (m, i)))
                text.AppendLine($"{row.Name,-12}" + string.Concat(methods.Skip(1).Select((column, j) => (j < i ? "" :
                    Between(row.Name, column.Name, metric) is { IsMissing: false } d
                        ? d.Mean.ToString(metric == "cas" ? "+0.000;-0.000" : "+0.00;-0.00", CultureInfo.InvariantCulture) + " " + d.Mark
                        : "-").PadLeft(14))));
        }
        var levels = NoiseLevels();
        if (levels.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"By noise level, on {GuidedScoreDiagnostics.Images:N0} noised test images: each classifier's accuracy, and each guided score's conditional DSM loss");
            text.AppendLine("(x 1e-3; lower is closer to the class-conditional score). Base's loss, then each other's difference from it, with < or >");
            text.AppendLine("where this study can tell the difference and = where it cannot; a method added to finished seeds (--resume) has no paired");
            text.AppendLine("difference, and its own loss is printed, marked ~:");
            var classifiers = levels[0].Accuracy.Keys.ToArray();
            var names = levels[0].GuidedDsm.Keys.ToArray();
            text.AppendLine($"{"t",5}{"sigma",8}  " + string.Concat(classifiers.Select(c => $"{"acc " + c,12}")) + "  " + string.Concat(names.Select(n => $"{n,13}")));
            foreach (var level in levels)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{level.Time,5:F1}{level.Sigma,8:G3}  ") +
                    string.Concat(classifiers.Select(c => level.Accuracy[c].ToString("F3", CultureInfo.InvariantCulture).PadLeft(12))) + "  " +
                    string.Concat(names.Select(n => (n == GuidanceMethod.Baseline || !level.MinusBase.TryGetValue(n, out var d)
                        ? (1e3 * level.GuidedDsm[n].Mean).ToString("F3", CultureInfo.InvariantCulture) + (n == GuidanceMethod.Baseline ? " " : "~")
                        : (1e3 * d.Mean).ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture) + d.Mark).PadLeft(13))));
            }
        }
        return text.ToString();
    }
}

/// <summary>A metric's mean over seeds with its interval (bounds null when the one run had none).</summary>
internal sealed record Summary(double Mean, double? Lower, double? Upper, double[] PerSeed)
{
    public static readonly Summary Missing = new(double.NaN, null, null, Array.Empty<double>());
    public bool IsMissing => double.IsNaN(Mean);

    /// <summary>"1.90 [1.52, 2.31]".</summary>
    public string Format(string format) => IsMissing ? "-"
        : Lower is null ? Mean.ToString(format, CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(format, CultureInfo.InvariantCulture)} [{Lower.Value.ToString(format, CultureInfo.InvariantCulture)}, {Upper!.Value.ToString(format, CultureInfo.InvariantCulture)}]");
}

/// <summary>One noise level of the diagnostics over the seeds.</summary>
internal sealed record NoiseLevelSummary(double Time, double Sigma, Dictionary<string, double> Accuracy, Dictionary<string, double> CrossEntropy,
    Dictionary<string, Summary> GuidedDsm, Dictionary<string, Difference> MinusBase);

internal sealed record Difference(double Mean, double Lower, double Upper, string Verdict)
{
    public static readonly Difference Missing = new(double.NaN, double.NaN, double.NaN, "");
    public bool IsMissing => double.IsNaN(Mean);

    /// <summary>Whether the interval excludes 0: the one test behind every verdict and mark.</summary>
    public static bool Excludes0(double lower, double upper) => lower > 0 || upper < 0;

    /// <summary>The table mark: "&gt;" or "&lt;" when the interval lies above or below 0, "=" when this size cannot tell.</summary>
    public string Mark => Lower > 0 ? ">" : Upper < 0 ? "<" : "=";
}
