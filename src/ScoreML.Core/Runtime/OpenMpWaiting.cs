using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScoreML.Runtime;

/// <summary>
/// How libtorch's OpenMP threads wait between parallel regions, chosen when ScoreML.Core loads, before libtorch does.
/// GNU OpenMP (the libgomp libtorch ships) spins a thread that waits for its partner for about 300,000 turns before it sleeps.
/// On a quiet machine that is the fastest choice; beside another CPU-bound process it collapses: a thread spins through its
/// time slice waiting for a partner the kernel has descheduled. The two-moons --quick example took 6.4 times its quiet time
/// beside a two-process CPU load, where a fair share would be 2 (docs/benchmarks.md, "A shared machine"). Sleeping at once
/// (OMP_WAIT_POLICY=PASSIVE) kept it at 2.2 times, but cost a third of the quiet time, since every small operation then waits
/// for a thread to wake. So the choice is made by what the machine is doing at start-up: when other tasks are running on at
/// least half the cores, the threads sleep while they wait; otherwise libgomp's own default stands. Setting OMP_WAIT_POLICY
/// or GOMP_SPINCOUNT yourself overrides the choice (ACTIVE to spin, PASSIVE to sleep); it is read once, when libtorch loads.
/// </summary>
public static class OpenMpWaiting
{
    /// <summary>OpenMP's standard variable: ACTIVE (spin) or PASSIVE (sleep); set, it overrides ScoreML's choice.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>libgomp's spin count before a waiting thread sleeps; set, it overrides ScoreML's choice.</summary>
    public const string SpinCountVariable = "GOMP_SPINCOUNT";

    const int Samples = 5;

    // Marks a wait policy this process chose, so that a restarted process reports it as ScoreML's, not the user's.
    internal const string ChoiceMarker = "SCOREML_OPENMP_CHOICE";

    /// <summary>What was chosen when ScoreML.Core loaded: "yours" (a variable was set), "passive (busy machine)", "libgomp default", or
    /// "libgomp default (not Linux)".</summary>
    public static string Choice { get; internal set; } = "not chosen";

#pragma warning disable CA2255 // A library's module initializer: libgomp reads its variables once, when TorchSharp first loads libtorch.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ChooseBeforeLibTorchLoads()
    {
        if (!OperatingSystem.IsLinux()) { Choice = "libgomp default (not Linux)"; return; }
        if (Environment.GetEnvironmentVariable(WaitPolicyVariable) is { Length: > 0 } || Environment.GetEnvironmentVariable(SpinCountVariable) is { Length: > 0 })
        {
            // Set by this process before NativeAllocator restarted it, or by the user.
            Choice = Environment.GetEnvironmentVariable(ChoiceMarker) is { Length: > 0 } ours ? ours : "yours";
            return;
        }
        if (OtherRunningTasks() >= Math.Max(1, Environment.ProcessorCount / 2))
        {
            Choice = "passive (busy machine)";
            // Both the native environment (libgomp's getenv) and .NET's copy (what NativeAllocator's restart passes on).
            foreach (var (name, value) in new[] { (WaitPolicyVariable, "PASSIVE"), (ChoiceMarker, Choice) })
            {
                setenv(name, value, 0);
                Environment.SetEnvironmentVariable(name, value);
            }
            return;
        }
        Choice = "libgomp default";
    }

    /// <summary>
    /// The tasks other than this thread that the kernel had running or ready to run: the fewest of a few readings of
    /// /proc/loadavg's fourth field 1 ms apart, less this thread, so that a moment's burst (this process's own start-up
    /// threads) does not count. 0 when the file cannot be read.
    /// </summary>
    internal static int OtherRunningTasks()
    {
        int fewest = int.MaxValue;
        for (int i = 0; i < Samples; i++)
        {
            if (i > 0) Thread.Sleep(1);
            if (RunningTasks() is not int running) return 0;
            fewest = Math.Min(fewest, running);
        }
        return Math.Max(0, fewest - 1);
    }

    // "0.52 0.58 0.59 3/99 1234": the fourth field is running/total scheduling entities.
    static int? RunningTasks()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4) return null;
            int slash = fields[3].IndexOf('/', StringComparison.Ordinal);
            return slash > 0 && int.TryParse(fields[3].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int running) ? running : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int setenv(string name, string value, int overwrite);
}
