using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using ScoreML;
using ScoreML.Data;
using ScoreML.Examples;

namespace TwoMoons;

/// <summary>
/// The score errors across seeds (--seeds N): for each seed the whole training of the study (its own data set, networks and
/// checkpoints under DIR/seed-N), then D_P and D_L of every method at sigma = 7.5, with nothing sampled. Reports each method's
/// D_P and D_L (the mean of the two classes) as a mean over seeds with Student's t interval, and each method against DLSM
/// paired by seed, with a verdict (<see cref="ScoreErrorSummary"/>). This is what can say whether the class-conditional model
/// at w = 0 is no worse than DLSM, which one seed cannot.
/// </summary>
internal static class ScoreErrorSeeds
{
    public static void Run(string outDir, StudySettings settings, int firstSeed, int seeds, bool resume)
    {
        var perSeed = new List<Dictionary<string, (double[] PosteriorError, double[] LikelihoodError)>>();
        for (int s = 0; s < seeds; s++)
        {
            int seed = firstSeed + s;
            string folder = Path.Combine(outDir, $"seed-{seed}");
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, "score-errors.json");
            if (resume && File.Exists(path))
            {
                perSeed.Add(Load(path));
                Console.WriteLine($"Seed {seed}: read back from {path}.");
                continue;
            }
            Console.WriteLine($"Seed {seed} ({s + 1} of {seeds}):");
            var ml = new MLContext(seed);
            var moons = ToyDataSets.TwoMoons(settings.Rows, noise: 0, seed: seed, center: true, scale: 20);
            var study = new Study(ml, moons, settings, seed, new ExampleCheckpoints(folder, resume));
            using var trained = study.Train();
            var errors = study.ScoreErrorsOf(trained);
            foreach (var (name, (dp, dl)) in errors)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-13} D_P {dp[0]:F3}|{dp[1]:F3}  D_L {dl[0]:F3}|{dl[1]:F3}"));
            Save(path, seed, errors);
            perSeed.Add(errors);
        }
        var summary = ScoreErrorSummary.Of(perSeed);
        string summaryPath = Path.Combine(outDir, "score-errors.json");
        var document = new JsonObject
        {
            ["study"] = "Two moons: D_P and D_L at sigma = 7.5 across seeds (training included), every method against DLSM",
            ["seeds"] = new JsonArray(Enumerable.Range(firstSeed, seeds).Select(s => (JsonNode)s).ToArray()),
            ["settings"] = JsonSerializer.SerializeToNode(settings),
            ["machine"] = JsonSerializer.SerializeToNode(ScoreML.Benchmarks.MachineDescription.Describe()),
            ["intervals"] = "95 % Student's t across seeds; differences from dlsm paired by seed; D_P, D_L: the mean of the two classes",
            ["methods"] = summary,
        };
        File.WriteAllText(summaryPath + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(summaryPath + ".tmp", summaryPath, overwrite: true);
        Console.WriteLine();
        Console.WriteLine(ScoreErrorSummary.Format(summary));
        Console.WriteLine($"Wrote {summaryPath} and seed-N/score-errors.json.");
    }

    static void Save(string path, int seed, Dictionary<string, (double[] PosteriorError, double[] LikelihoodError)> errors)
    {
        var document = new JsonObject
        {
            ["seed"] = seed,
            ["machine"] = JsonSerializer.SerializeToNode(ScoreML.Benchmarks.MachineDescription.Describe()),
            ["methods"] = new JsonObject(errors.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject
            {
                ["d_p"] = new JsonArray(p.Value.PosteriorError.Select(v => (JsonNode)v).ToArray()),
                ["d_l"] = new JsonArray(p.Value.LikelihoodError.Select(v => (JsonNode)v).ToArray()),
            }))),
        };
        File.WriteAllText(path + ".tmp", document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    static Dictionary<string, (double[] PosteriorError, double[] LikelihoodError)> Load(string path)
    {
        var methods = JsonNode.Parse(File.ReadAllText(path))!["methods"]!.AsObject();
        return methods.ToDictionary(p => p.Key, p => (p.Value!["d_p"]!.AsArray().Select(v => (double)v!).ToArray(), p.Value!["d_l"]!.AsArray().Select(v => (double)v!).ToArray()));
    }
}
