using System.Reflection;
using System.Runtime.CompilerServices;

namespace ScoreML.Examples;

/// <summary>
/// Every example app ends an error the same way: the message on one line without a stack trace (with <c>--verbose</c>, the
/// whole exception), and an exit code that says what happened — 2 when the settings were refused (an
/// <see cref="ArgumentException"/>, which the library throws naming the option at fault, or a named input file or folder
/// that does not exist), 130 when a run was canceled
/// (Ctrl-C; a checkpoint was written), 1 for any other failure. Installed when the app's assembly loads, so it also covers
/// errors raised on other threads, and no app can forget it.
/// </summary>
internal static class ExampleErrors
{
    public const int Refused = 2, Failed = 1, Canceled = 130;

    [ModuleInitializer]
    internal static void Install() => AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        var error = e.ExceptionObject as Exception ?? new Exception(e.ExceptionObject?.ToString());
        Environment.Exit(Report(error));
    };

    /// <summary>Writes <paramref name="error"/> to standard error and returns the exit code for it.</summary>
    public static int Report(Exception error)
    {
        // Errors from inside ML.NET's cursors and Parallel loops arrive wrapped; the first real cause is what the user needs.
        while (error is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && error.InnerException is not null)
            error = error.InnerException!;
        bool verbose = Environment.GetCommandLineArgs().Contains("--verbose");
        Console.Error.WriteLine(verbose ? error.ToString() : $"error: {error.Message.ReplaceLineEndings(" ")}");
        switch (error)
        {
            case OperationCanceledException:
                Console.Error.WriteLine("Run the same command with --resume to continue where it stopped.");
                return Canceled;
            case ArgumentException or FileNotFoundException or DirectoryNotFoundException:
                return Refused;
            default:
                if (!verbose) Console.Error.WriteLine("(--verbose shows where it happened.)");
                return Failed;
        }
    }
}
