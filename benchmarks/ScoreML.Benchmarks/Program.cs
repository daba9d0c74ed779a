// ScoreML's benchmark harness: a small console program (not BenchmarkDotNet: each measurement here runs for seconds and
// needs its own peak-memory reading, native memory included, so each benchmark runs in a child process of its own).
//
//   dotnet run -c Release --project benchmarks/ScoreML.Benchmarks -- --out DIR [--repeats N] [--rows N] [--dimension N]
//       [--steps N] [--threads N] [--images N] [--feature-batch N] [--python PATH]
//       [--only ceiling,dsm,lcss,ssm,fdssm,dlsm,unet,sampler,samplers,memory,unetmemory,fid,prdc,kernels,images,features]
// writes DIR/benchmarks.json and prints a table. Not a test: CI does not run it. images and features run against the PyTorch
// peer (benchmarks/reference/image_reference.py, Debian's python3-torch) when it can run here, ours alone otherwise.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ScoreML;
using ScoreML.Benchmarks;
using ScoreML.Examples;

// tcmalloc where installed (libtcmalloc-minimal4): image steps page-fault far less than under glibc (docs/benchmarks.md).
ScoreML.Runtime.NativeAllocator.PreferTcmalloc();
var commandLine = new CommandLine(args);
int repeats = commandLine.Int("--repeats", 3);
int rows = commandLine.Int("--rows", 10000);
int dimension = commandLine.Int("--dimension", 2048);
int steps = commandLine.Int("--steps", 500);   // timed training steps
string? only = commandLine.Value("--only");   // e.g. --only unet or --only fid,prdc
// libtorch's threads in each benchmark (default: one per core); on a machine shared with other work, 1 avoids spin-waiting.
int? threads = commandLine.Value("--threads") is null ? null : commandLine.Int("--threads", 0);
int images = commandLine.Int("--images", 10_000);   // feature extraction: images per run
// feature extraction: images per network call, ours and the peer's (default: ResNet18Features' own)
int featureBatch = commandLine.Int("--feature-batch", ResNet18Features.DefaultBatchSize);
// --baseline-env "NAME=VALUE,NAME=": instead of the PyTorch peer, images and features run against ours with these variables
// set (or, with nothing after =, removed), e.g. "LD_PRELOAD=,SCOREML_ALLOCATOR=glibc" for glibc's allocator against tcmalloc.
var baselineEnvironment = commandLine.Value("--baseline-env")?.Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 && p[1].Length > 0 ? p[1] : null);
string python = commandLine.Value("--python") ?? "/usr/bin/python3";   // Debian's, where python3-torch installs
string[] all = { "ceiling", "dsm", "lcss", "ssm", "fdssm", "dlsm", "unet", "sampler", "samplers", "memory", "unetmemory", "fid", "prdc", "kernels", "images", "features" };

// Child mode: run one benchmark, print its results as one JSON line.
if (commandLine.Value("--single") is string single)
{
    if (threads is int count) TorchSharp.torch.set_num_threads(count);
    var result = single switch
    {
        "ceiling" => HardwareCeiling.Measure(repeats),
        "fid" => EvaluationBenchmarks.Fid(rows, dimension, repeats),
        "prdc" => EvaluationBenchmarks.Prdc(rows, dimension, repeats),
        "unet" => ImageBenchmarks.UNet(repeats),
        "kernels" => ConvolutionKernelSurvey.Measure(repeats),
        "dsm" => TrainingBenchmarks.ScoreObjective("dsm", Objective.Dsm, steps),
        "lcss" => TrainingBenchmarks.ScoreObjective("lcss", Objective.Lcss, steps),
        "ssm" => TrainingBenchmarks.ScoreObjective("ssm", Objective.Ssm, steps),
        "fdssm" => TrainingBenchmarks.ScoreObjective("fdssm", Objective.FdSsm, steps),
        "dlsm" => TrainingBenchmarks.DlsmClassifier(steps),
        "sampler" => TrainingBenchmarks.Sampler(10_000, 1000),
        "samplers" => SamplerBenchmarks.Measure(repeats),
        "memory" => TrainingBenchmarks.NativeMemory(10_000),
        "unetmemory" => ImageSteps.UNetMemory(2_000),
        "images" => ImageSteps.Measure(repeats),
        "features" => ImageSteps.Features(images, featureBatch),
        _ => throw new ArgumentException($"Unknown benchmark '{single}'."),
    };
    // Every benchmark's peak resident memory (its own process: native libtorch memory included).
    result.TryAdd($"{single}_peak_mib", Math.Round(ProcessMemory.PeakMiB(), 0));
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}

string outDir = Path.GetFullPath(commandLine.Value("--out") ?? "out/benchmarks");
Directory.CreateDirectory(outDir);
var report = new Dictionary<string, object> { ["machine"] = MachineDescription.Describe() };
if (threads is int set) ((Dictionary<string, object>)report["machine"])["torch_threads"] = set;   // the children's, not this parent's
foreach (var name in only is null ? all : only.Split(','))
{
    if (!all.Contains(name)) throw new ArgumentException($"--only: unknown benchmark '{name}'; known: {string.Join(", ", all)}.");
    Console.WriteLine(name switch
    {
        "unet" => $"unet: default U-Net on 1x28x28, median of {Math.Max(3, repeats)} ...",
        "fid" or "prdc" => $"{name}: {rows:N0} + {rows:N0} x {dimension} features, median of {repeats} ...",
        "dsm" or "lcss" or "ssm" or "fdssm" or "dlsm" => $"{name}: two moons, MLP 128-64-32, batch 4000, {steps} timed steps ...",
        "sampler" => "sampler: 10,000 two-moons samples, 1,000 PC steps ...",
        "samplers" => "samplers: fast samplers at 50 evaluations against PC at 1,000 steps, guided and unguided, round-robin ...",
        "ceiling" => "ceiling: float32 matrix-product rate and the matrix-product floor of a two-moons step ...",
        "unetmemory" => $"unetmemory: resident memory over 2,000 DSM steps of the default U-Net at batch {ImageSteps.TrainBatch} ...",
        "kernels" => "kernels: which float32 convolution shapes libtorch gets wrong here, with and without the guard, and its cost ...",
        "images" => $"images: default U-Net and ResNet on 1x28x28, training steps at batch {ImageSteps.TrainBatch} and sampler steps at batch {ImageSteps.SampleBatch}, against PyTorch, {Math.Max(3, repeats)} interleaved rounds ...",
        "features" => $"features: ResNet-18 features of {images:N0} images, against PyTorch, {Math.Max(3, repeats)} interleaved rounds ...",
        _ => "memory: resident memory over 10,000 DSM steps ...",
    });
    var measured = name switch
    {
        "images" or "features" => AgainstPeer(name),
        _ => RunChild(name).ToDictionary(p => p.Key, p => (object)p.Value),
    };
    foreach (var (key, value) in measured) report[key] = value;
}

foreach (var key in new[] { "sgemm_2048_gflops", "dsm_matmul_floor_ms", "dlsm_matmul_floor_ms", "dsm_ms_per_step", "lcss_ms_per_step", "ssm_ms_per_step", "fdssm_ms_per_step", "dlsm_ms_per_step",
             "unet_ms_per_step", "unet_train_images_per_s", "unet_sampler_evals_per_s", "sampler_evals_per_s", "sampler_10k_1000pc_s",
             "sampler_network_share", "native_mem_growth_mib", "kernels_shapes_tried", "kernels_wrong_plain", "kernels_wrong_guarded",
             "guard_cost_unet_default_ratio_median", "guard_cost_unet_quick16_ratio_median", "fid_10k_2048_s", "fid_peak_mib", "prdc_10k_2048_s", "prdc_peak_mib" })
    if (report.TryGetValue(key, out var value)) Console.WriteLine($"  {key,-26}{value,10}");
foreach (var (key, value) in report.Where(p => p.Key.StartsWith("samplers_", StringComparison.Ordinal) && p.Key.EndsWith("_s", StringComparison.Ordinal) || p.Key.EndsWith("_to_pc", StringComparison.Ordinal)))
    Console.WriteLine($"  {key,-52}{value}");
foreach (var (key, value) in report.Where(p => (p.Key.StartsWith("peer_", StringComparison.Ordinal) || p.Key.StartsWith("ab_", StringComparison.Ordinal)) && !p.Key.EndsWith("_rounds", StringComparison.Ordinal)))
    Console.WriteLine($"  {key,-52}{(value is double[] spread ? $"{spread[0]} [{spread[1]}, {spread[2]}]" : value)}");
string path = Path.Combine(outDir, "benchmarks.json");
File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
File.Move(path + ".tmp", path, overwrite: true);
Console.WriteLine($"Wrote {path}.");
return 0;

// Ours (a child process) against the PyTorch peer, interleaved; ours alone, saying why, when the peer cannot run here.
Dictionary<string, object> AgainstPeer(string name)
{
    if (baselineEnvironment is not null) return AgainstBaseline(name, baselineEnvironment);
    var peers = new ImagePeers(python, threads ?? Environment.ProcessorCount);
    string? unavailable = peers.Unavailable(name == "features" ? "onnx" : "torch");
    if (unavailable is not null) Console.WriteLine($"  the PyTorch peer cannot run: {unavailable}; ours alone");
    Dictionary<string, JsonElement> Ours() => RunChild(name);
    int rounds = Math.Max(3, repeats);
    var result = name == "images"
        ? ImagePeers.Compare("peer", ImageSteps.StepKeys, new[] { "unet_parameters", "resnet_parameters" }, rounds, Ours,
            unavailable is null ? () => peers.Peer("--repeats", repeats.ToString(CultureInfo.InvariantCulture)) : null)
        : ImagePeers.Compare("peer", new[] { "features_s" }, new[] { "features_images" }, rounds, Ours,
            unavailable is null ? () => peers.Peer("--only", "features", "--images", images.ToString(CultureInfo.InvariantCulture),
                "--feature-batch", featureBatch.ToString(CultureInfo.InvariantCulture),
                "--onnx", ResNet18Features.ModelFolder()) : null, scalar: true);
    if (unavailable is not null) result[$"peer_{name}_unavailable"] = unavailable;
    return result;
}

// Ours against ours with other environment variables (an allocator, a thread setting), interleaved; "ab_" keys, and the
// ratio is the baseline's time over ours (above 1: the baseline is slower).
Dictionary<string, object> AgainstBaseline(string name, Dictionary<string, string?> environment)
{
    int rounds = Math.Max(3, repeats);
    string[] steps = name == "images" ? ImageSteps.StepKeys : new[] { "features_s" };
    var result = ImagePeers.Compare("ab", steps, name == "images" ? new[] { "unet_parameters" } : new[] { "features_images" }, rounds,
        () => RunChild(name), () => RunChild(name, environment), scalar: name != "images", peerName: "baseline");
    result["ab_baseline_env"] = string.Join(",", environment.Select(e => $"{e.Key}={e.Value}"));
    return result;
}

Dictionary<string, JsonElement> RunChild(string name, Dictionary<string, string?>? environment = null)
{
    // This same program, started again with --single; under `dotnet X.dll` the host is dotnet and the dll comes first.
    string host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(EvaluationBenchmarks).Assembly.Location);
    foreach (var a in new[] { "--single", name, "--repeats", repeats.ToString(CultureInfo.InvariantCulture), "--rows",
                 rows.ToString(CultureInfo.InvariantCulture), "--dimension", dimension.ToString(CultureInfo.InvariantCulture),
                 "--steps", steps.ToString(CultureInfo.InvariantCulture), "--images", images.ToString(CultureInfo.InvariantCulture),
                 "--feature-batch", featureBatch.ToString(CultureInfo.InvariantCulture) })
        start.ArgumentList.Add(a);
    if (threads is int count) { start.ArgumentList.Add("--threads"); start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture)); }
    foreach (var (variable, value) in environment ?? new())
        if (value is null) start.Environment.Remove(variable); else start.Environment[variable] = value;
    using var child = Process.Start(start)!;
    string output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (child.ExitCode != 0) throw new InvalidOperationException($"Benchmark '{name}' failed (exit code {child.ExitCode}).");
    var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
    return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
}
