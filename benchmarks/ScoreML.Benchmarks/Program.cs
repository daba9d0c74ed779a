// ScoreML's benchmark harness: a small console program (not BenchmarkDotNet: each measurement here runs for seconds and
// needs its own peak-memory reading, which BenchmarkDotNet's process-per-benchmark model does not give for native memory).
//
//   dotnet run -c Release --project benchmarks/ScoreML.Benchmarks -- --out DIR [--repeats N] [--rows N] [--dimension N]
// writes DIR/benchmarks.json and prints a table. Not a test: CI does not run it.
using System.Globalization;
using System.Text.Json;
using ScoreML.Benchmarks;
using ScoreML.Examples;

var commandLine = new CommandLine(args);
string outDir = Path.GetFullPath(commandLine.Value("--out") ?? "out/benchmarks");
int repeats = int.Parse(commandLine.Value("--repeats") ?? "3", CultureInfo.InvariantCulture);
int rows = int.Parse(commandLine.Value("--rows") ?? "10000", CultureInfo.InvariantCulture);
int dimension = int.Parse(commandLine.Value("--dimension") ?? "2048", CultureInfo.InvariantCulture);
Directory.CreateDirectory(outDir);

var report = new Dictionary<string, object> { ["machine"] = MachineDescription.Describe() };
Console.WriteLine($"Evaluation: FID and PRDC (k = 3) on {rows:N0} + {rows:N0} x {dimension} features, median of {repeats} ...");
foreach (var (key, value) in EvaluationBenchmarks.Run(rows, dimension, repeats)) report[key] = value;

foreach (var key in new[] { "fid_10k_2048_s", "prdc_10k_2048_s", "prdc_peak_mib" })
    Console.WriteLine($"  {key,-20}{Convert.ToDouble(report[key], CultureInfo.InvariantCulture),10:0.###}");
string path = Path.Combine(outDir, "benchmarks.json");
File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
File.Move(path + ".tmp", path, overwrite: true);
Console.WriteLine($"Wrote {path}.");
