using System.CommandLine;
using System.Text.Json.Nodes;
using ScoreML.Tool.Commands;
using ScoreML.Tool.Output;

namespace ScoreML.Tool;

/// <summary>
/// The <c>scoreml</c> command line, callable in-process: <see cref="Run"/> parses, runs one command and returns its exit
/// code — 0 when it did what was asked, 2 for a usage error (an unknown command or option, a bad option value, options that do
/// not go together), 1 for a failure (a missing or unreadable file, data that do not fit), 130 when cancelled (Ctrl-C).
/// Every error names the file, column or option at fault.
/// </summary>
internal static class ScoreMLTool
{
    public const int Ok = 0, Failure = 1, Usage = 2, Canceled = 130;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new ToolContext(stdout, stderr, cancellation);
        var root = new RootCommand("scoreml: sample-quality metrics (FID, KID, precision/recall/density/coverage) of image folders, IDX, CSV and NPY " +
            "files with ML.NET's pretrained ResNet-18, and training, sampling and evaluating ScoreML score models. Exit codes: 0 ok, 1 failure, " +
            "2 usage error, 130 cancelled.")
        {
            FidCommand.Create(context),
            KidCommand.Create(context),
            PrdcCommand.Create(context),
            MetricsCommand.Create(context),
            TrainCommand.Create(context),
            SampleCommand.Create(context),
            EvaluateCommand.Create(context),
            MergeCommand.Create(context),
        };
        bool json = args.Contains("--json");
        string command = args.FirstOrDefault(a => root.Subcommands.Any(c => c.Name == a)) is string name ? $"scoreml {name}" : "scoreml";
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (Exception e)
        {
            return Report(e, command, json, context);
        }
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"{command}: {error.Message}");
            stderr.WriteLine($"Run '{command} --help' for the commands and options.");
            if (json) WriteError(stdout, string.Join(" ", parse.Errors.Select(e => e.Message)), Usage);
            return Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            return Report(e, command, json, context);
        }
    }

    /// <summary>Prints what went wrong, and returns the exit code it stands for.</summary>
    static int Report(Exception e, string command, bool json, ToolContext context)
    {
        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        (int code, string message) = e switch
        {
            UsageException => (Usage, e.Message),
            TrainingCanceledException t => (Canceled, $"cancelled at step {t.Step}; the run so far is in the checkpoint '{t.CheckpointPath}' (continue it with --resume)."),
            OperationCanceledException => (Canceled, "cancelled."),
            FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException
                or InsufficientMemoryException or InvalidOperationException or NotSupportedException or FormatException or OverflowException => (Failure, e.Message),
            _ => (Failure, $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}"),
        };
        context.Error.WriteLine($"{command}: {(code == Canceled ? "" : "error: ")}{message}");
        if (code == Usage) context.Error.WriteLine($"Run '{command} --help' for the options.");
        if (json) WriteError(context.Out, message, code);
        return code;
    }

    static void WriteError(TextWriter stdout, string message, int code) =>
        JsonOutput.Write(stdout, new JsonObject { ["error"] = message, ["exit_code"] = code });
}
