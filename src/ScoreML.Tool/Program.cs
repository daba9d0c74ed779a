// The scoreml command (dotnet tool ScoreML.Tool): ScoreMLTool.Run does the work; this entry point adds Ctrl-C, which cancels
// the command in progress (a second Ctrl-C ends the process at once).
using ScoreML.Tool;

// tcmalloc where installed (libtcmalloc-minimal4): image steps page-fault far less than under glibc (docs/benchmarks.md).
ScoreML.Runtime.NativeAllocator.PreferTcmalloc();
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancellation.IsCancellationRequested) return;   // the second Ctrl-C: let the process end
    e.Cancel = true;
    Console.Error.WriteLine("scoreml: cancelling (Ctrl-C again to end at once)...");
    cancellation.Cancel();
};
return ScoreMLTool.Run(args, Console.Out, Console.Error, cancellation.Token);
