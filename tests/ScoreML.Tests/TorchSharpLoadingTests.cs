using ScoreML.Build;
using static TorchSharp.torch;

namespace ScoreML.Tests;

[TestClass]
public sealed class TorchSharpLoadingTests
{
    const ushort VerFlagWeak = 2;

    [TestMethod]
    public void TensorOperationAndBackwardPassRun()
    {
        using var scope = NewDisposeScope();
        var w = tensor(new float[] { 1f, 2f, 3f }, requires_grad: true);
        var x = tensor(new float[] { 4f, 5f, 6f });
        var loss = (w * x).sum() + w.pow(2).sum();
        loss.backward();
        CollectionAssert.AreEqual(new float[] { 6f, 9f, 12f }, w.grad!.data<float>().ToArray());
        Assert.AreEqual(4f + 10f + 18f + 14f, loss.item<float>());
    }

    [TestMethod]
    public void BuildOutputCarriesTheWeakVersionExactlyWhenTheHostLacksIt()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The GLIBCXX version fix edits an ELF file: Linux only.");
        string[] copies = NativeCopies();
        Assert.IsNotEmpty(copies, "the build output has no libLibTorchSharp.so");
        foreach (string copy in copies)
        {
            byte[] elf = File.ReadAllBytes(copy);
            int at = GlibcxxVersionNeed.FlagsOffset(elf, GlibcxxVersionNeed.MissingVersion);
            Assert.IsGreaterThan(0, at, $"{copy} has no {GlibcxxVersionNeed.MissingVersion} requirement");
            bool weak = (BitConverter.ToUInt16(elf, at) & VerFlagWeak) != 0;
            Assert.AreEqual(!GlibcxxVersionNeed.HostProvidesVersion(), weak, copy);
        }
    }

    [TestMethod]
    public void MarkWeakSetsOneFlagBitAndIsIdempotent()
    {
        string source = NativeCopies().FirstOrDefault()
            ?? throw new AssertFailedException("no libLibTorchSharp.so in the build output");
        string copy = Path.Combine(Path.GetTempPath(), $"scoreml-elf-{Guid.NewGuid():N}.so");
        try
        {
            byte[] unpatched = File.ReadAllBytes(source);
            int at = GlibcxxVersionNeed.FlagsOffset(unpatched, GlibcxxVersionNeed.MissingVersion);
            Assert.IsGreaterThan(0, at);
            unpatched[at] &= unchecked((byte)~VerFlagWeak);   // start from the package's state whatever the build did
            File.WriteAllBytes(copy, unpatched);

            Assert.IsTrue(GlibcxxVersionNeed.MarkWeak(copy));
            byte[] patched = File.ReadAllBytes(copy);
            Assert.HasCount(unpatched.Length, patched);
            int[] changed = Enumerable.Range(0, patched.Length).Where(i => patched[i] != unpatched[i]).ToArray();
            CollectionAssert.AreEqual(new[] { at }, changed);
            Assert.AreEqual(VerFlagWeak, (ushort)(patched[at] ^ unpatched[at]));
            Assert.IsFalse(GlibcxxVersionNeed.MarkWeak(copy), "a second pass must change nothing");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>
    /// An app that references ScoreML's source projects gets no build step, so ScoreML.Core edits the copies next to the app
    /// when it loads: an unedited copy in an app-like folder (runtimes/linux-x64/native) comes out weak exactly when the host
    /// lacks the version, and a second pass changes nothing.
    /// </summary>
    [TestMethod]
    public void TheRuntimeFixEditsAnUneditedCopyInAnAppFolder()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The GLIBCXX version fix edits an ELF file: Linux only.");
        string source = NativeCopies().FirstOrDefault() ?? throw new AssertFailedException("no libLibTorchSharp.so in the build output");
        string app = Path.Combine(Path.GetTempPath(), $"scoreml-app-{Guid.NewGuid():N}");
        string native = Path.Combine(app, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        try
        {
            byte[] elf = File.ReadAllBytes(source);
            int at = GlibcxxVersionNeed.FlagsOffset(elf, GlibcxxVersionNeed.MissingVersion);
            elf[at] &= unchecked((byte)~VerFlagWeak);   // as the package ships it
            string copy = Path.Combine(native, "libLibTorchSharp.so");
            File.WriteAllBytes(copy, elf);

            bool hostLacks = !GlibcxxVersionNeed.HostProvidesVersion();
            var changed = ScoreML.Runtime.TorchSharpLoadingFix.Apply(app);
            Assert.HasCount(hostLacks ? 1 : 0, changed);
            bool weak = (BitConverter.ToUInt16(File.ReadAllBytes(copy), at) & VerFlagWeak) != 0;
            Assert.AreEqual(hostLacks, weak);
            Assert.IsEmpty(ScoreML.Runtime.TorchSharpLoadingFix.Apply(app), "a second pass changes nothing");
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    static string[] NativeCopies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
}
