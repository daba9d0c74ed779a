// ScoreML's benchmark harness: a small console program (not BenchmarkDotNet: each measurement here runs for seconds and
// needs its own peak-memory reading, native memory included, so each benchmark runs in a child process of its own).
//
//   dotnet run -c Release --project benchmarks/ScoreML.Benchmarks -- --out DIR [--repeats N] [--rows N] [--dimension N] [--only fid,prdc,unet]
// writes DIR/benchmarks.json and prints a table. Not a test: CI does not run it.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ScoreML.Benchmarks;
using ScoreML.Examples;

var commandLine = new CommandLine(args);
int repeats = int.Parse(commandLine.Value("--repeats") ?? "3", CultureInfo.InvariantCulture);
int rows = int.Parse(commandLine.Value("--rows") ?? "10000", CultureInfo.InvariantCulture);
int dimension = int.Parse(commandLine.Value("--dimension") ?? "2048", CultureInfo.InvariantCulture);
string? only = commandLine.Value("--only");   // e.g. --only unet or --only fid,prdc

// Child mode: run one benchmark, print its results as one JSON line.
if (commandLine.Value("--single") is string single)
{
    var result = single switch
    {
        "fid" => EvaluationBenchmarks.Fid(rows, dimension, repeats),
        "prdc" => EvaluationBenchmarks.Prdc(rows, dimension, repeats),
        "unet" => ImageBenchmarks.UNet(repeats),
        _ => throw new ArgumentException($"Unknown benchmark '{single}'."),
    };
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}

string outDir = Path.GetFullPath(commandLine.Value("--out") ?? "out/benchmarks");
Directory.CreateDirectory(outDir);
var report = new Dictionary<string, object> { ["machine"] = MachineDescription.Describe() };
foreach (var name in only is null ? new[] { "fid", "prdc", "unet" } : only.Split(','))
{
    Console.WriteLine(name == "unet" ? $"unet: default U-Net on 1x28x28, median of {Math.Max(3, repeats)} ..." : $"{name}: {rows:N0} + {rows:N0} x {dimension} features, median of {repeats} ...");
    foreach (var (key, value) in RunChild(name)) report[key] = value;
}

foreach (var key in new[] { "fid_10k_2048_s", "fid_peak_mib", "prdc_10k_2048_s", "prdc_peak_mib", "unet_ms_per_step", "unet_train_images_per_s", "unet_sampler_evals_per_s" })
    if (report.TryGetValue(key, out var value)) Console.WriteLine($"  {key,-26}{value,10}");
string path = Path.Combine(outDir, "benchmarks.json");
File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
File.Move(path + ".tmp", path, overwrite: true);
Console.WriteLine($"Wrote {path}.");
return 0;

Dictionary<string, object> RunChild(string name)
{
    // This same program, started again with --single; under `dotnet X.dll` the host is dotnet and the dll comes first.
    string host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(EvaluationBenchmarks).Assembly.Location);
    foreach (var a in new[] { "--single", name, "--repeats", repeats.ToString(CultureInfo.InvariantCulture), "--rows",
                 rows.ToString(CultureInfo.InvariantCulture), "--dimension", dimension.ToString(CultureInfo.InvariantCulture) })
        start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    string output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (child.ExitCode != 0) throw new InvalidOperationException($"Benchmark '{name}' failed (exit code {child.ExitCode}).");
    var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
    return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!.ToDictionary(p => p.Key, p => (object)p.Value);
}
