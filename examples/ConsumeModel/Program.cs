// What ModelBuilder's "consume" project would be for a ScoreML model: load a saved model zip in a fresh process, send it a
// small view of requests, and write what it generates: samples.csv (one generated vector per row) and, for image models,
// one PNG per sample and a grid.
//
//   dotnet run -c Release --project examples/ConsumeModel -- --model m.zip [--label L] [--count N] [--seed N] [--out DIR]
//       [--device cpu|cuda] [--pixels 01|pm1]
// --label names the class: an original label value when the model knows them, otherwise the 0-based class index. It is needed
// for class-conditional models (a saved sampler or classifier) and ignored by an unconditional score model. --pixels says how
// image values map to PNG gray levels: [0, 1] (default) or [-1, 1].
using System.Globalization;
using ConsumeModel;
using Microsoft.ML;
using ScoreML;
using ScoreML.Examples;
using ScoreML.Runtime;
using ScoreML.Transforms.Persistence;

try
{
    var commandLine = new CommandLine(args);
    string model = commandLine.Value("--model") ?? throw new ArgumentException("--model names the model zip to load.");
    var request = new GenerationRequest(
        Label: commandLine.Value("--label"),
        Count: Number(commandLine, "--count", 100),
        Seed: Number(commandLine, "--seed", 0));
    string outDir = OutputLocations.RequireWritableFolder(commandLine.Value("--out") ?? "out/consume", "--out");

    var ml = new MLContext(request.Seed);
    var loaded = ml.ScoreMatching().Model.Load(model, out _, commandLine.Value("--device"));
    var (samples, shape) = SampleSource.Find(loaded, model).Generate(ml, request);
    string csv = SampleFiles.WriteCsv(samples, Path.Combine(outDir, "samples.csv"));
    Console.WriteLine($"Generated {samples.Count} samples of {samples[0].Length} values with seed {request.Seed}: {csv}");
    if (shape is not null)
    {
        var pixels = commandLine.Value("--pixels") ?? "01";
        int pngs = SampleFiles.WritePngs(samples, shape, pixels, outDir);
        Console.WriteLine($"and {pngs} PNG images ({shape}) with grid.png in {outDir}");
    }
    (loaded as IDisposable)?.Dispose();
    return 0;
}
catch (Exception e)
{
    return ExampleErrors.Report(e);   // one line, naming the file or option at fault (the library's messages do)
}

static int Number(CommandLine commandLine, string name, int fallback)
{
    if (commandLine.Value(name) is not string text) return fallback;
    if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
        throw new ArgumentException($"{name} needs a non-negative whole number, not '{text}'.");
    return value;
}
