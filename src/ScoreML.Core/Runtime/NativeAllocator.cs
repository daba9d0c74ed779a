using System.Runtime.InteropServices;

namespace ScoreML.Runtime;

/// <summary>
/// Runs the process under tcmalloc where that is faster, as PyTorch's CPU performance guides advise. libtorch takes every
/// tensor from the C allocator. glibc's malloc serves a block above its mmap threshold (at most 32 MiB) from fresh pages
/// and hands them back to the kernel when the block is freed, so the next one is zeroed and page-faulted in again. Image
/// networks make many such blocks: a DDIM step of the default U-Net at batch 250 faulted 120,000 to 200,000 pages and spent
/// a third of its time in the kernel (docs/benchmarks.md, "The C allocator"). glibc's settings (mallopt) can keep the pages, but then its
/// heap fragments and grows without bound; tcmalloc keeps them and stays flat. An allocator can only be chosen before the
/// process starts (LD_PRELOAD), so <see cref="PreferTcmalloc"/> starts the program again, in place (execve: same process
/// id, arguments, standard streams and signals), with tcmalloc preloaded. Results do not change: the allocator decides
/// where tensors live, never what they hold.
/// </summary>
public static class NativeAllocator
{
    /// <summary>Set to "glibc" to keep the C library's allocator.</summary>
    public const string Variable = "SCOREML_ALLOCATOR";

    // Marks the restarted process, so that it never restarts again (say, when the preload failed).
    const string Restarted = "SCOREML_ALLOCATOR_RESTARTED";

    /// <summary>Where Debian and Ubuntu's libtcmalloc-minimal4 (and other distributions' gperftools) install it.</summary>
    static readonly string[] Candidates =
    {
        "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4", "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4",
        "/usr/lib64/libtcmalloc_minimal.so.4", "/usr/lib/libtcmalloc_minimal.so.4",
    };

    /// <summary>The allocator this process runs with: "tcmalloc" when preloaded, else "glibc" (or the system's).</summary>
    public static string Current =>
        (Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "").Contains("tcmalloc", StringComparison.Ordinal) ? "tcmalloc" : OperatingSystem.IsLinux() ? "glibc" : "system";

    /// <summary>The tcmalloc library this machine has, or null.</summary>
    public static string? TcmallocLibrary() => Candidates.FirstOrDefault(File.Exists);

    /// <summary>
    /// Call first thing in Main. On Linux, when tcmalloc is installed (apt-get install libtcmalloc-minimal4), not yet in use
    /// and <see cref="Variable"/> is not "glibc", starts this program again in place under tcmalloc and does not return;
    /// otherwise returns at once and the program runs as it is. A library cannot change its host's allocator, so this is
    /// the application's choice: ScoreML's tool, examples and benchmarks make it.
    /// </summary>
    public static void PreferTcmalloc()
    {
        if (!OperatingSystem.IsLinux() || Current == "tcmalloc") return;
        string? choice = Environment.GetEnvironmentVariable(Variable);
        if (choice is { Length: > 0 } && !choice.Equals("tcmalloc", StringComparison.OrdinalIgnoreCase)) return;   // "glibc": as asked
        if (Environment.GetEnvironmentVariable(Restarted) is not null) return;
        if (TcmallocLibrary() is not string library) return;
        string[] arguments;
        try
        {
            // The exact argv, host included (dotnet app.dll ... or the app host), as the kernel started it.
            arguments = File.ReadAllText("/proc/self/cmdline").Split('\0', StringSplitOptions.None)[..^1];
        }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        if (arguments.Length == 0) return;
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => (string)e.Key != "LD_PRELOAD")
            .Select(e => $"{e.Key}={e.Value}").ToList();
        string preload = Environment.GetEnvironmentVariable("LD_PRELOAD") is { Length: > 0 } existing ? $"{library}:{existing}" : library;
        environment.Add($"LD_PRELOAD={preload}");
        environment.Add($"{Restarted}=1");
        Console.Out.Flush();
        Console.Error.Flush();
        execve("/proc/self/exe", Terminated(arguments), Terminated(environment.ToArray()));
        // Only reached when execve failed: run on with the allocator we have.
    }

    static string?[] Terminated(string[] values) => values.Cast<string?>().Append(null).ToArray();

    [DllImport("libc", SetLastError = true)]
    static extern int execve(string path, string?[] argv, string?[] envp);
}
