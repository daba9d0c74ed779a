using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ScoreML.Benchmarks;

/// <summary>
/// Ours against PyTorch on the same steps (issue 22): each round runs our child process and the peer script
/// (benchmarks/reference/image_reference.py under Debian's python3) one after the other, the order swapped every round
/// (A B, B A, A B, ...), so a machine whose speed drifts slows both alike. Reports, per step, each side's per-round
/// medians as median [min, max] over rounds and the ratio peer / ours within each round (above 1: ours is faster), also
/// as median [min, max]. The networks' parameter counts must agree, or nothing is compared.
/// </summary>
internal sealed class ImagePeers
{
    public const string Script = "benchmarks/reference/image_reference.py";

    readonly string python;
    readonly int threads;

    public ImagePeers(string python, int threads)
    {
        this.python = python;
        this.threads = threads;
    }

    /// <summary>Why the peer cannot run here (no python3, no torch, no script), or null when it can.</summary>
    public string? Unavailable(string module = "torch")
    {
        if (ScriptPath() is null) return $"{Script} was not found above {AppContext.BaseDirectory}";
        try
        {
            var (code, _, error) = Run(python, new[] { "-c", $"import {module}" });
            return code == 0 ? null : $"{python} cannot import {module} ({error.Trim().Split('\n').Last()}); apt-get install python3-torch python3-onnx";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{python} cannot be started ({e.Message})";
        }
    }

    /// <summary>One run of the peer script with these arguments; its JSON line.</summary>
    public Dictionary<string, JsonElement> Peer(params string[] arguments)
    {
        var all = new List<string> { ScriptPath()!, "--threads", threads.ToString(CultureInfo.InvariantCulture) };
        all.AddRange(arguments);
        var (code, output, error) = Run(python, all);
        if (code != 0) throw new InvalidOperationException($"The PyTorch peer failed (exit code {code}): {error.Trim()}");
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last())!;
    }

    /// <summary>
    /// <paramref name="rounds"/> interleaved rounds of <paramref name="ours"/> and <paramref name="peer"/>; every key in
    /// <paramref name="steps"/> is a step both report as {"median": ms, ...} (or, with <paramref name="scalar"/>, a number).
    /// </summary>
    public static Dictionary<string, object> Compare(string prefix, string[] steps, string[] mustAgree, int rounds,
        Func<Dictionary<string, JsonElement>> ours, Func<Dictionary<string, JsonElement>>? peer, bool scalar = false, string peerName = "peer")
    {
        var result = new Dictionary<string, object>();
        var oursRuns = new List<Dictionary<string, JsonElement>>();
        var peerRuns = new List<Dictionary<string, JsonElement>>();
        for (int round = 0; round < rounds; round++)
        {
            Console.WriteLine($"  round {round + 1} of {rounds}");
            if (peer is not null && round % 2 == 1) peerRuns.Add(peer());
            oursRuns.Add(ours());
            if (peer is not null && round % 2 == 0) peerRuns.Add(peer());
        }
        foreach (string key in mustAgree)
        {
            result[$"{prefix}_{key}"] = oursRuns[0][key].GetInt64();
            if (peer is null) continue;
            long theirs = peerRuns[0][key].GetInt64();
            result[$"{prefix}_{key}_{peerName}"] = theirs;
            if (theirs != oursRuns[0][key].GetInt64())
                throw new InvalidOperationException($"{key}: ours {oursRuns[0][key]}, the {peerName}'s {theirs}; the networks differ, so the times cannot be compared.");
        }
        double Value(Dictionary<string, JsonElement> run, string key) => scalar ? run[key].GetDouble() : run[key].GetProperty("median").GetDouble();
        foreach (string step in steps)
        {
            var mine = oursRuns.Select(r => Value(r, step)).ToList();
            result[$"{prefix}_{step}"] = Spread(mine);
            result[$"{prefix}_{step}_rounds"] = mine;
            // ms over the floor of the same round (StepFloors; "score_ms_per_step" has "score_floor_ms").
            string floorKey = step.Replace("_ms_per_step", "_floor_ms", StringComparison.Ordinal);
            var floors = floorKey != step && oursRuns[0].ContainsKey(floorKey) ? oursRuns.Select(r => r[floorKey].GetDouble()).ToList() : null;
            if (floors is not null)
            {
                result[$"{prefix}_{floorKey}"] = Spread(floors);
                result[$"{prefix}_{step}_over_floor"] = Spread(mine.Select((m, i) => m / floors[i]).ToList());
            }
            if (peer is null) continue;
            var theirs = peerRuns.Select(r => Value(r, step)).ToList();
            result[$"{prefix}_{step}_{peerName}"] = Spread(theirs);
            result[$"{prefix}_{step}_{peerName}_rounds"] = theirs;
            result[$"{prefix}_{step}_ratio"] = Spread(theirs.Select((t, i) => t / mine[i]).ToList());
            if (floors is not null) result[$"{prefix}_{step}_{peerName}_over_floor"] = Spread(theirs.Select((t, i) => t / floors[i]).ToList());
        }
        // What else our side measured (the step FLOPs, the rates the floors rest on): one value when every round agrees.
        foreach (var (key, value) in oursRuns[0])
        {
            if (steps.Contains(key) || mustAgree.Contains(key) || key == "threads" || value.ValueKind != JsonValueKind.Number || key.EndsWith("_floor_ms", StringComparison.Ordinal)) continue;
            var values = oursRuns.Select(r => r[key].GetDouble()).ToList();
            result[$"{prefix}_{key}"] = values.Distinct().Count() == 1 ? values[0] : Spread(values);
        }
        if (peer is not null && peerRuns[0].TryGetValue("torch", out var torch))
        {
            result[$"{prefix}_peer_torch"] = torch.GetString()!;
            result[$"{prefix}_peer_threads"] = peerRuns[0]["threads"].GetInt32();
        }
        result[$"{prefix}_rounds"] = rounds;
        return result;
    }

    /// <summary>Median, min, max.</summary>
    static double[] Spread(List<double> values)
    {
        return new[] { Math.Round(ImageSteps.Median(values), 3), Math.Round(values.Min(), 3), Math.Round(values.Max(), 3) };
    }

    static string? ScriptPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, Script);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static (int Code, string Output, string Error) Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
