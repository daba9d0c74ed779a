using System.Runtime.InteropServices;

namespace ScoreML.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal static class MachineDescription
{
    public static Dictionary<string, object> Describe() => new()
    {
        ["cpu"] = CpuModel(),
        ["cpu_family_model"] = CpuInfo("cpu family") + "/" + CpuInfo("model"),
        ["avx512"] = CpuInfo("flags").Split(' ').Contains("avx512f"),
        ["logical_cores"] = Environment.ProcessorCount,
        ["torch_threads"] = TorchSharp.torch.get_num_threads(),
        ["allocator"] = ScoreML.Runtime.NativeAllocator.Current,
        ["openmp_waiting"] = ScoreML.Runtime.OpenMpWaiting.Choice,
        ["memory_gib"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A field of /proc/cpuinfo's first processor ("" where there is none): the family tells EPYC generations apart.</summary>
    static string CpuInfo(string field)
    {
        if (!File.Exists("/proc/cpuinfo")) return "";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.Split(':', 2)[0].Trim() == field);
        return line?.Split(':', 2)[1].Trim() ?? "";
    }

    static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
