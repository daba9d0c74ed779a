using Snippets;

namespace ScoreML.Tests.Documentation;

/// <summary>
/// The documentation cannot go stale: every C# block in README.md, docs/*.md and examples/*/README.md is the text of #region
/// blocks in Documentation/Snippets/*.cs, which this project compiles, and the README's pipeline runs here as it stands.
/// docs/contributing.md says how to add one.
/// </summary>
[TestClass]
public sealed class DocumentationSnippetTests
{
    [TestMethod]
    public void EveryCSharpBlockHasASnippetMarker()
    {
        var unmarked = MarkdownDocuments.All().SelectMany(MarkdownDocuments.CSharpBlocks).Where(b => b.Regions is null)
            .Select(b => $"{b.Document}:{b.Line}").ToList();
        Assert.IsEmpty(unmarked, "C# blocks without a '<!-- snippet: File#Region -->' line above them: " + string.Join(", ", unmarked));
    }

    [TestMethod]
    public void EveryMarkedBlockIsTheTextOfItsRegions()
    {
        var blocks = MarkdownDocuments.All().SelectMany(MarkdownDocuments.CSharpBlocks).Where(b => b.Regions is not null).ToList();
        Assert.IsNotEmpty(blocks, "no marked C# block at all: the documents were not found");
        var stale = new List<string>();
        foreach (var block in blocks)
        {
            string expected = MarkdownDocuments.RegionText(block.Regions!);
            if (expected != block.Text) stale.Add($"{block.Document}:{block.Line} ({string.Join(" ", block.Regions!)}): {FirstDifference(expected, block.Text)}");
        }
        Assert.IsEmpty(stale, "blocks that differ from their snippet source (copy the region into the document):\n" + string.Join("\n", stale));
    }

    [TestMethod]
    public void EveryRegionIsShownInADocument()
    {
        var shown = MarkdownDocuments.All().SelectMany(MarkdownDocuments.CSharpBlocks).SelectMany(b => b.Regions ?? Array.Empty<string>()).ToHashSet();
        var orphans = MarkdownDocuments.AllRegions().Where(r => !shown.Contains(r)).ToList();
        Assert.IsEmpty(orphans, "snippet regions that no document shows: " + string.Join(", ", orphans));
    }

    /// <summary>The README's pipeline, run as printed: 200 requests give 200 finite 2-D samples.</summary>
    [TestMethod]
    public void TheReadmePipelineRuns()
    {
        var samples = ReadmeSnippets.Pipeline();
        Assert.HasCount(200, samples);
        Assert.IsTrue(samples.All(s => s.Length == 2 && s.All(float.IsFinite)), "every sample is two finite values");
    }

    /// <summary>docs/sampling.md's PredictionEngine snippet, run as printed: one seeded request gives one finite 2-D sample,
    /// the same one each time.</summary>
    [TestMethod]
    public void TheSamplingPredictionEngineSnippetRuns()
    {
        // The same program twice: every call on a context draws from its random source in order, as in ML.NET.
        static float[] Run()
        {
            var ml = new Microsoft.ML.MLContext(1);
            return SamplingSnippets.PredictionEngineAndProgress(ml, ml.ScoreMatching().Data.TwoMoons(500, seed: 3), CancellationToken.None);
        }
        float[] sample = Run();
        Assert.HasCount(2, sample);
        Assert.IsTrue(sample.All(float.IsFinite));
        CollectionAssert.AreEqual(sample, Run(), "the same MLContext seed and request seed, the same sample");
    }

    /// <summary>docs/sampling.md's classifier-free guidance snippet, run as printed on two moons: a request per data row gets a
    /// finite 2-D sample of its class.</summary>
    [TestMethod]
    public void TheClassifierFreeGuidanceSnippetRuns()
    {
        var ml = new Microsoft.ML.MLContext(2);
        var moons = ml.ScoreMatching().Data.TwoMoons(300, seed: 4);
        float[] samples = SamplingSnippets.ClassifierFreeGuidance(ml, moons, moons);
        Assert.HasCount(600, samples);
        Assert.IsTrue(samples.All(float.IsFinite));
    }

    static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end>", al = i < a.Length ? a[i] : "<end>";
            if (el != al) return $"line {i + 1} of the block is \"{al}\", the source has \"{el}\"";
        }
        return "they differ";
    }
}
