using System.Runtime.CompilerServices;
using ScoreML.Build;

namespace ScoreML.Runtime;

/// <summary>
/// The libLibTorchSharp.so load fix (docs/building.md) applied when ScoreML.Core loads, for apps that reference ScoreML's
/// source projects rather than its packages: a ProjectReference brings no build step with it (only a package's
/// buildTransitive targets do), so such an app's output holds TorchSharp's library unedited and libtorch would fail at the
/// first tensor on Debian 12 or Ubuntu 22.04. Before any ScoreML code runs, this marks the GLIBCXX_3.4.32 requirement weak in
/// the copies next to the app, exactly as the build step does (a temporary file renamed into place); it does nothing on other
/// systems, on hosts whose libstdc++ has the version, on copies already edited, and where the folder is read-only (the
/// packages' build step has then done it, or TorchSharp's own error names the library).
/// </summary>
internal static class TorchSharpLoadingFix
{
#pragma warning disable CA2255 // A library's module initializer: the edit must precede TorchSharp's first load, which any ScoreML call may trigger.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ApplyBeforeTorchSharpLoads()
    {
        try
        {
            if (OperatingSystem.IsLinux()) Apply(AppContext.BaseDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only or busy output folder: leave the file as it is (see the summary).
        }
    }

    /// <summary>Marks the requirement weak in every libLibTorchSharp.so in <paramref name="folder"/> and its runtimes/*/native
    /// folders when this host's libstdc++ lacks it; returns the files it changed.</summary>
    internal static IReadOnlyList<string> Apply(string folder)
    {
        var candidates = new List<string>();
        string direct = Path.Combine(folder, "libLibTorchSharp.so");
        if (File.Exists(direct)) candidates.Add(direct);
        string runtimes = Path.Combine(folder, "runtimes");
        if (Directory.Exists(runtimes))
            candidates.AddRange(Directory.GetDirectories(runtimes).Select(r => Path.Combine(r, "native", "libLibTorchSharp.so")).Where(File.Exists));
        if (candidates.Count == 0 || GlibcxxVersionNeed.HostProvidesVersion()) return Array.Empty<string>();
        return candidates.Where(GlibcxxVersionNeed.MarkWeak).ToList();
    }
}
