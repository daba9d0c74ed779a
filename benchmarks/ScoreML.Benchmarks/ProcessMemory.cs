using System.Runtime.InteropServices;

namespace ScoreML.Benchmarks;

/// <summary>
/// The process's resident memory from /proc/self/status (Linux): current (VmRSS) and peak (VmHWM) in MiB. The peak can be
/// reset by writing 5 to /proc/self/clear_refs, so each benchmark measures its own peak, native (libtorch) memory included.
/// </summary>
internal static class ProcessMemory
{
    public static double ResidentMiB() => Read("VmRSS:");
    public static double PeakMiB() => Read("VmHWM:");

    /// <summary>
    /// Hands the C allocator's free pages back to the system (glibc's malloc_trim), so that a following
    /// <see cref="ResidentMiB"/> counts memory in use rather than what the allocator happens to keep cached: libtorch frees
    /// its 2 MB activations into glibc's heap, whose top is trimmed only now and then, so without this the reading of an
    /// unchanged run swings by 100 MiB.
    /// </summary>
    public static void ReleaseFreeMemory()
    {
        if (OperatingSystem.IsLinux()) malloc_trim(0);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);

    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    static double Read(string key)
    {
        if (!File.Exists("/proc/self/status")) return double.NaN;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
