using System.Text.RegularExpressions;

namespace ScoreML.Tests.Documentation;

/// <summary>
/// The repository's documents as the documentation tests read them: README.md, docs/*.md and examples/*/README.md, their
/// ```csharp blocks with the snippet marker before each, and the #region blocks of the snippet sources they name.
/// </summary>
internal static partial class MarkdownDocuments
{
    public static string Root { get; } = FindRoot();

    public static string SnippetFolder => Path.Combine(Root, "tests", "ScoreML.Tests", "Documentation", "Snippets");

    /// <summary>Every checked document, as a path relative to the repository root with '/' separators.</summary>
    public static IReadOnlyList<string> All()
    {
        var files = new List<string> { Path.Combine(Root, "README.md") };
        files.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));
        files.AddRange(Directory.GetDirectories(Path.Combine(Root, "examples"))
            .Select(d => Path.Combine(d, "README.md")).Where(File.Exists));
        return files.Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    /// <summary>A fenced C# block: the document, the fence's 1-based line, its text, and the snippet marker above it if any.</summary>
    public sealed record CodeBlock(string Document, int Line, string Text, string[]? Regions);

    public static IEnumerable<CodeBlock> CSharpBlocks(string document)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, document));
        foreach (var (open, close, info) in Fences(lines))
        {
            if (info is not ("csharp" or "cs" or "c#")) continue;
            int above = open - 1;
            while (above >= 0 && lines[above].Trim().Length == 0) above--;
            var marker = above >= 0 ? SnippetMarker().Match(lines[above]) : Match.Empty;
            string[]? regions = marker.Success ? marker.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : null;
            yield return new CodeBlock(document, open + 1, Normalise(lines[(open + 1)..close]), regions);
        }
    }

    /// <summary>
    /// Fenced blocks as (opening line, closing line, info string), 0-based. A block closes at a line of the same backticks
    /// as opened it, so a ```` fence can show a ``` block inside it.
    /// </summary>
    static IEnumerable<(int Open, int Close, string Info)> Fences(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            int ticks = line.TakeWhile(c => c == '`').Count();
            if (ticks < 3) continue;
            string fence = line[..ticks];
            int close = Array.FindIndex(lines, i + 1, l => l.Trim() == fence);
            if (close < 0) close = lines.Length;
            yield return (i, close, line[ticks..].Trim().ToLowerInvariant());
            i = close;
        }
    }

    /// <summary>The text of <c>File#Region</c> regions from the snippet sources, each dedented, joined by a blank line.</summary>
    public static string RegionText(IEnumerable<string> regions) => string.Join("\n\n", regions.Select(Region));

    static string Region(string reference)
    {
        var parts = reference.Split('#');
        if (parts.Length != 2) throw new FormatException($"Snippet reference '{reference}' is not File#Region.");
        string path = Path.Combine(SnippetFolder, parts[0] + ".cs");
        if (!File.Exists(path)) throw new FileNotFoundException($"Snippet file '{path}' (from '{reference}') does not exist.", path);
        string[] lines = File.ReadAllLines(path);
        int start = Array.FindIndex(lines, l => l.Trim() == "#region " + parts[1]);
        if (start < 0) throw new InvalidDataException($"{path} has no '#region {parts[1]}'.");
        int end = Array.FindIndex(lines, start + 1, l => l.Trim().StartsWith("#endregion", StringComparison.Ordinal));
        if (end < 0) throw new InvalidDataException($"{path}: '#region {parts[1]}' has no #endregion.");
        return Normalise(lines[(start + 1)..end]);
    }

    /// <summary>Every region name of every snippet source, as File#Region.</summary>
    public static IEnumerable<string> AllRegions() =>
        Directory.GetFiles(SnippetFolder, "*.cs").SelectMany(path => File.ReadAllLines(path)
            .Select(l => l.Trim()).Where(l => l.StartsWith("#region ", StringComparison.Ordinal))
            .Select(l => $"{Path.GetFileNameWithoutExtension(path)}#{l["#region ".Length..].Trim()}"));

    /// <summary>Trailing spaces and the blank lines at either end dropped, the indentation all lines share removed.</summary>
    static string Normalise(string[] lines)
    {
        var kept = lines.Select(l => l.TrimEnd()).SkipWhile(l => l.Length == 0).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToArray();
        int indent = kept.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", kept.Select(l => l.Length == 0 ? l : l[indent..]));
    }

    /// <summary>Relative link targets, [text](target) and ![alt](target), outside code blocks, with their 1-based line.</summary>
    public static IEnumerable<(int Line, string Target)> RelativeLinks(string document)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, document));
        var inCode = new bool[lines.Length];
        foreach (var (open, close, _) in Fences(lines))
            for (int i = open; i <= close && i < lines.Length; i++) inCode[i] = true;
        for (int i = 0; i < lines.Length; i++)
        {
            if (inCode[i]) continue;
            foreach (Match link in MarkdownLink().Matches(lines[i]))
            {
                string target = link.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith('#') || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                yield return (i + 1, target);
            }
        }
    }

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(.+?)\s*-->\s*$")]
    private static partial Regex SnippetMarker();

    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "ScoreML.sln"))) return directory.FullName;
        throw new InvalidOperationException($"No ScoreML.sln above {AppContext.BaseDirectory}.");
    }
}
