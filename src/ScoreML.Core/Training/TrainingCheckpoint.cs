using System.Text;
using System.Text.RegularExpressions;
using ScoreML.Runtime;

namespace ScoreML.Training;

/// <summary>
/// The checkpoint file: a header (format name with the trainer and version, the steps done, the run's
/// <see cref="CheckpointIdentity"/>), the <see cref="TrainingState"/>'s sections, and a SHA-256 of all that. It is written
/// under a temporary name, flushed to the disk and renamed over the previous checkpoint, so a crash at any moment leaves
/// either the previous checkpoint or the new one, never a mixture. Reading refuses, with the file's name and what is
/// wrong, a file that is not a checkpoint, belongs to another run, or is truncated or corrupted.
/// </summary>
internal static class TrainingCheckpoint
{
    public const int FormatVersion = 1;
    const int BufferSize = 1 << 16;
    const int MaxFormatNameLength = 100;
    const string Prefix = "ScoreML.";
    static readonly AsyncLocal<Func<Stream, Stream>?> streamHook = new();

    /// <summary>Lets a test put a stream between the writer and the file (one that fails half way, say); null in production.</summary>
    internal static Func<Stream, Stream>? StreamHook { get => streamHook.Value; set => streamHook.Value = value; }

    /// <summary>"ScoreML.ScoreModelCheckpoint.v1": what the file starts with.</summary>
    public static string FormatName(string trainer) => $"{Prefix}{trainer}Checkpoint.v{FormatVersion}";

    /// <summary>Replaces the checkpoint at <paramref name="path"/> with the state of the run <paramref name="identity"/> describes.</summary>
    public static void Write(string path, CheckpointIdentity identity, TrainingState state)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
            {
                using (var checksum = new ChecksumStream(StreamHook?.Invoke(file) ?? file))
                using (var writer = new BinaryWriter(checksum, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(FormatName(identity.Trainer));
                    writer.Write(state.Step);
                    identity.Write(writer);
                    foreach (var (_, write, _) in state.Sections()) write(writer);
                    writer.Write(checksum.Checksum());
                    writer.Flush();
                }
                file.Flush(flushToDisk: true);   // on the disk before the rename makes it the checkpoint
            }
            File.Move(temp, full, overwrite: true);   // a rename: readers see the old file or the new one
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw new IOException($"Could not write checkpoint '{full}' at step {state.Step}: {e.Message} The previous checkpoint there, if any, is unchanged.", e);
            throw;
        }
    }

    /// <summary>A clear FileNotFoundException for a ResumeFrom that names no file (checked before the data is read).</summary>
    /// <summary>
    /// Before any training: the checkpoint to resume from exists, and the folder checkpoints go to can be written (named
    /// CheckpointPath in the error), so a bad path is not found at the first write, after CheckpointInterval steps.
    /// </summary>
    public static void CheckPaths(string? checkpointPath, string? resumeFrom)
    {
        RequireExists(resumeFrom);
        if (checkpointPath is not null) OutputLocations.RequireWritableFile(checkpointPath, "CheckpointPath");
    }

    public static void RequireExists(string? resumeFrom)
    {
        if (resumeFrom is not null && !File.Exists(resumeFrom))
            throw new FileNotFoundException($"The checkpoint to resume from (ResumeFrom), '{Path.GetFullPath(resumeFrom)}', does not exist.", resumeFrom);
    }

    /// <summary>Restores <paramref name="state"/> (its step included) from a checkpoint of the run <paramref name="identity"/> describes.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this run, or is truncated or corrupted.</exception>
    public static void Read(string path, CheckpointIdentity identity, TrainingState state)
    {
        RequireExists(path);
        string full = Path.GetFullPath(path);
        using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        using var checksum = new ChecksumStream(file);
        using var reader = new BinaryReader(checksum, Encoding.UTF8, leaveOpen: true);

        string format = Part(full, "the header", () => ReadFormatName(reader));
        if (format != FormatName(identity.Trainer)) throw ForeignFormat(full, format, identity);
        var (step, saved) = Part(full, "the header", () => (reader.ReadInt32(), CheckpointIdentity.Read(reader, identity.Trainer)));
        var differences = saved.Differences(identity);
        if (differences.Count > 0)
            throw new InvalidDataException($"Checkpoint '{full}' was written by {saved}; this run is {identity}. They differ in " +
                $"{string.Join(", ", differences)}. Resume with the options and data that wrote it, or leave ResumeFrom unset to start afresh.");
        if (step < 0 || step > identity.TotalSteps)
            throw new InvalidDataException($"Checkpoint '{full}' is corrupted (in the header): it claims step {step} of {identity.TotalSteps}.");

        state.Step = step;
        foreach (var (name, _, read) in state.Sections()) Part(full, name, () => { read(reader); return 0; });
        byte[] expected = checksum.Checksum();
        byte[] stored = Part(full, "the checksum", () => reader.ReadBytes(ChecksumStream.ChecksumLength) is { Length: ChecksumStream.ChecksumLength } bytes
            ? bytes : throw new EndOfStreamException());
        if (!stored.AsSpan().SequenceEqual(expected))
            throw new InvalidDataException($"Checkpoint '{full}' is corrupted: its SHA-256 checksum does not match its contents.");
        if (file.Position != file.Length)
            throw new InvalidDataException($"Checkpoint '{full}' is corrupted: {file.Length - file.Position} bytes follow its end.");
    }

    // By hand rather than with ReadString, so that any other file (whose first bytes may claim a string of gigabytes) is
    // called what it is, and a file that ends inside the name is called truncated. Names are short: a one-byte length.
    static string ReadFormatName(BinaryReader reader)
    {
        int length = reader.ReadByte();
        if (length > MaxFormatNameLength) return "";
        byte[] bytes = reader.ReadBytes(length);
        string name = Encoding.UTF8.GetString(bytes);
        if (bytes.Length == length) return name;
        return Prefix.StartsWith(name, StringComparison.Ordinal) || name.StartsWith(Prefix, StringComparison.Ordinal) ? throw new EndOfStreamException() : "";
    }

    static InvalidDataException ForeignFormat(string path, string format, CheckpointIdentity identity)
    {
        var match = Regex.Match(format, @"^ScoreML\.(\w+)Checkpoint\.v(\d+)$");
        if (!match.Success)
            return new InvalidDataException($"'{path}' is not a ScoreML training checkpoint (it does not start with '{FormatName(identity.Trainer)}').");
        if (match.Groups[1].Value != identity.Trainer)
            return new InvalidDataException($"Checkpoint '{path}' was written by a {match.Groups[1].Value} run; this run is {identity}.");
        return new InvalidDataException($"Checkpoint '{path}' has format version {match.Groups[2].Value}; this version of ScoreML reads version {FormatVersion}.");
    }

    // Runs one part of the reading and says which part a short or damaged file broke.
    static T Part<T>(string path, string part, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated (at {part}).");
        }
        catch (Exception e) when (e is not IOException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is corrupted (at {part}): {e.Message}", e);
        }
    }
}
