namespace ScoreML.Tests.Documentation;

/// <summary>Every relative link and image in README.md, docs/*.md and examples/*/README.md points at a file or folder that exists.</summary>
[TestClass]
public sealed class DocumentationLinkTests
{
    [TestMethod]
    public void EveryRelativeLinkResolves()
    {
        var documents = MarkdownDocuments.All();
        Assert.Contains("README.md", documents);
        var broken = new List<string>();
        foreach (string document in documents)
        {
            string folder = Path.GetDirectoryName(Path.Combine(MarkdownDocuments.Root, document))!;
            foreach (var (line, target) in MarkdownDocuments.RelativeLinks(document))
            {
                string path = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target.Split('#')[0])));
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{document}:{line} -> {target}");
            }
        }
        Assert.IsEmpty(broken, "links to nothing: " + string.Join(", ", broken));
    }

    /// <summary>The documents a newcomer is promised (README's links rely on them), and README.md within 8 KB.</summary>
    [TestMethod]
    public void TheDocumentSetIsComplete()
    {
        string[] expected =
        {
            "docs/architecture.md", "docs/training.md", "docs/sampling.md", "docs/evaluation.md", "docs/saved-models-and-checkpoints.md",
            "docs/extending.md", "docs/gpu.md", "docs/benchmarks.md", "docs/contributing.md",
            "examples/Checkerboard/README.md", "examples/TwoMoons/README.md", "examples/FashionMnist/README.md",
            "examples/Evaluate/README.md", "examples/ConsumeModel/README.md",
        };
        var missing = expected.Where(d => !File.Exists(Path.Combine(MarkdownDocuments.Root, d))).ToList();
        Assert.IsEmpty(missing, "missing documents: " + string.Join(", ", missing));
        long readme = new FileInfo(Path.Combine(MarkdownDocuments.Root, "README.md")).Length;
        Assert.IsLessThanOrEqualTo(8 * 1024L, readme, "README.md is a front page: at most 8 KB");
    }
}
