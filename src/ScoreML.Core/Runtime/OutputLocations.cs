using ScoreML.Runtime;
namespace ScoreML;

/// <summary>
/// Checks, before any long work starts, that an output file or folder can be written, so that a bad path is reported at
/// once with the option that named it, not after an hour of training at the first write. The check creates the folder
/// (it would be created at the first write anyway) and writes and deletes a small file in it.
/// </summary>
public static class OutputLocations
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="option"/> unless a file can be written at <paramref name="path"/>.</summary>
    /// <returns>The full path.</returns>
    public static string RequireWritableFile(string path, string option)
    {
        string full = FullPath(path, option, "a file");
        if (Directory.Exists(full)) throw new ArgumentException($"{option} '{full}' is a folder; it must name a file.", option);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{option} '{full}' has no folder to write into.", option);
        Probe(folder, option, $"{option} '{full}': its folder '{folder}'");
        return full;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="option"/> unless files can be written in <paramref name="folder"/> (created if missing).</summary>
    /// <returns>The full path.</returns>
    public static string RequireWritableFolder(string folder, string option)
    {
        string full = FullPath(folder, option, "a folder");
        if (File.Exists(full)) throw new ArgumentException($"{option} '{full}' is a file; it must name a folder.", option);
        Probe(full, option, $"{option} folder '{full}'");
        return full;
    }

    static string FullPath(string path, string option, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"{option} must name {what}.", option);
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{option} '{path}' is not a valid path: {e.Message}", option, e);
        }
    }

    static void Probe(string folder, string option, string what)
    {
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".scoreml-write-check-{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what} cannot be created or written: {e.Message}", option, e);
        }
    }
}
