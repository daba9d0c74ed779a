using System.Runtime.InteropServices;

namespace ScoreML.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal static class MachineDescription
{
    public static Dictionary<string, object> Describe() => new()
    {
        ["cpu"] = CpuModel(),
        ["logical_cores"] = Environment.ProcessorCount,
        ["torch_threads"] = TorchSharp.torch.get_num_threads(),
        ["memory_gib"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        ["os"] = RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
    };

    static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
