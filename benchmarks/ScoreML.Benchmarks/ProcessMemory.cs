namespace ScoreML.Benchmarks;

/// <summary>
/// The process's resident memory from /proc/self/status (Linux): current (VmRSS) and peak (VmHWM) in MiB. The peak can be
/// reset by writing 5 to /proc/self/clear_refs, so each benchmark measures its own peak, native (libtorch) memory included.
/// </summary>
internal static class ProcessMemory
{
    public static double ResidentMiB() => Read("VmRSS:");
    public static double PeakMiB() => Read("VmHWM:");

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
