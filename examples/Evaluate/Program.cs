// Scores any generated samples against real ones: FID, precision, recall, density and coverage on the raw vectors, and with
// labels also CAS and class-wise metrics. Writes DIR/metrics.json and prints a table.
//
//   dotnet run -c Release --project examples/Evaluate -- --real real.csv --generated gen.csv [--k 3] [--labels] --out DIR
//       [--cas linear|network] [--kid-subsets N] [--kid-subset-size N] [--resamples N] [--level X] [--save-reference FILE] [--reference FILE]
// CSV: one sample per row, no header; with --labels the first column is an integer class label. --save-reference writes the
// real set's statistics and k-NN radii so later runs can pass --reference instead of recomputing them. Every metric carries a
// confidence interval (--level, default 0.95) from --resamples bootstrap resamples (default 200; 0 for none).
using System.Diagnostics;
using System.Globalization;
using Evaluate;
using Microsoft.ML;
using ScoreML;
using ScoreML.Examples;
using ScoreML.Runtime;
using ScoreML.Evaluation.Metrics;

// tcmalloc where installed (libtcmalloc-minimal4): image steps page-fault far less than under glibc (docs/benchmarks.md).
ScoreML.Runtime.NativeAllocator.PreferTcmalloc();
try
{
    var commandLine = new CommandLine(args);
    string realPath = commandLine.Value("--real") ?? throw new ArgumentException("--real FILE is required.");
    string generatedPath = commandLine.Value("--generated") ?? throw new ArgumentException("--generated FILE is required.");
    string outDir = OutputLocations.RequireWritableFolder(commandLine.Value("--out") ?? throw new ArgumentException("--out DIR is required."), "--out");
    int k = commandLine.Int("--k", 3);
    string? saveReference = commandLine.Value("--save-reference") is string save ? OutputLocations.RequireWritableFile(save, "--save-reference") : null;
    bool labels = commandLine.Has("--labels");
    var cas = (commandLine.Value("--cas") ?? "linear") switch
    {
        "linear" => CasClassifier.LinearMaxEntropy,
        "network" => CasClassifier.Network,
        var other => throw new ArgumentException($"--cas must be linear or network, not '{other}'."),
    };

    int resamples = commandLine.Int("--resamples", 200);
    double level = commandLine.Double("--level", 0.95);
    // Refused by their command-line names before any metric is computed.
    if (resamples is not 0 and (< 2 or > GenerativeEvaluationOptions.MaxIntervalResamples))
        throw new ArgumentException($"--resamples must be 0 (no intervals) or in [2, {GenerativeEvaluationOptions.MaxIntervalResamples}]; it is {resamples}.");
    if (!(level >= 0.5 && level <= ConfidenceInterval.MaxLevel))
        throw new ArgumentException($"--level must be in [0.5, {ConfidenceInterval.MaxLevel.ToString(CultureInfo.InvariantCulture)}]; it is {level.ToString(CultureInfo.InvariantCulture)}.");

    var clock = Stopwatch.StartNew();
    var real = FeatureCsv.Read(realPath, labels);
    var generated = FeatureCsv.Read(generatedPath, labels);
    int[]? classValues = labels ? real.Labels!.Concat(generated.Labels!).Distinct().Order().ToArray() : null;
    if (classValues is { Length: < 2 }) throw new ArgumentException("--labels: the files hold a single class; CAS and class-wise metrics need two or more.");

    var ml = new MLContext(seed: 0);
    var options = new GenerativeEvaluationOptions
    {
        RealColumnName = "Features",
        GeneratedColumnName = "Features",
        LabelColumnName = labels ? "Label" : null,
        K = k,
        KidSubsets = commandLine.Int("--kid-subsets", 100),
        KidSubsetSize = commandLine.Has("--kid-subset-size") ? commandLine.Int("--kid-subset-size", 0) : null,   // unset: 1,000 or every row
        Cas = new CasOptions { Classifier = cas, Seed = 0 },
        IntervalResamples = resamples,
        Seed = 0,   // the app's numbers are the same on every run (the library would otherwise follow the MLContext)
        ConfidenceLevel = level,
    };
    var realView = SampleView.Create(ml, real, classValues);
    if (commandLine.Value("--reference") is string referencePath) options.RealReference = RealSetReference.Load(referencePath);
    var metrics = ml.ScoreMatching().Evaluate(realView, SampleView.Create(ml, generated, classValues), options);
    if (saveReference is not null) ml.ScoreMatching().ComputeRealReference(realView, options).Save(saveReference);

    string jsonPath = Path.Combine(outDir, "metrics.json");
    File.WriteAllText(jsonPath + ".tmp", metrics.ToJson());
    File.Move(jsonPath + ".tmp", jsonPath, overwrite: true);
    Console.Write(metrics.ToTable());
    Console.WriteLine($"Wrote {jsonPath} ({clock.Elapsed.TotalSeconds:F1} s).");
    return 0;
}
catch (Exception e)
{
    return ExampleErrors.Report(e);
}
