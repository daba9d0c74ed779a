
namespace ScoreML.Examples;

/// <summary>
/// Lets a long example run survive Ctrl-C. Every network trains with a checkpoint under DIR/checkpoints (one file per
/// network, written every 1000 steps and at the end). The first Ctrl-C asks the training in progress to stop after its
/// current step: it writes its checkpoint and the example exits with code 130 (ExampleErrors), saying how to go on. Running the same command
/// with --resume continues each network from its checkpoint; a network that had finished is not trained again.
/// </summary>
internal sealed class ExampleCheckpoints
{
    readonly string directory;
    readonly bool resume;
    readonly CancellationTokenSource stop = new();

    public ExampleCheckpoints(string outDir, bool resume)
    {
        directory = Path.Combine(outDir, "checkpoints");
        this.resume = resume;
        Console.CancelKeyPress += (_, e) =>
        {
            if (stop.IsCancellationRequested) return;   // a second Ctrl-C ends the process at once
            e.Cancel = true;
            stop.Cancel();
            Console.Error.WriteLine();
            Console.Error.WriteLine("Ctrl-C: stopping after the current training step and writing a checkpoint (Ctrl-C again to quit now).");
        };
        // The cancellation surfaces as a TrainingCanceledException from deep inside a Fit; ExampleErrors ends the run with it.
    }

    public void Apply(TrainingOptions options, string network) =>
        (options.CheckpointPath, options.ResumeFrom, options.CancellationToken) = (PathFor(network), ResumeFor(network), stop.Token);

    string PathFor(string network) =>
        Path.Combine(directory, new string(network.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()) + ".ckpt");

    string? ResumeFor(string network) => resume && File.Exists(PathFor(network)) ? PathFor(network) : null;
}
