using System.Diagnostics;

namespace ScoreML.Tests.Examples;

/// <summary>
/// The example apps, run as a user runs them, end refused settings with one line naming the option or file and exit code 2,
/// never with a stack trace and the runtime's abort (exit 134). Every case fails before any training or data loading, so
/// each run takes about a second. The test project builds the apps before itself (see its project file).
/// </summary>
[TestClass]
public sealed class ExampleAppErrorTests
{
    static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // bin/<Configuration>/net10.0
    string folder = null!;

    [TestInitialize]
    public void MakeAFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), $"scoreml-apps-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a-file"), "not a folder");
    }

    [TestCleanup]
    public void DeleteIt() => Directory.Delete(folder, recursive: true);

    [TestMethod]
    public void AnOutputFolderThatCannotBeMadeIsRefusedAtOnce()
    {
        string blocked = Path.Combine(folder, "a-file", "out");
        var (code, error) = Run("Checkerboard", "--quick", "--out", blocked);
        Assert.AreEqual(2, code, error);
        StringAssert.StartsWith(error, $"error: --out folder '{blocked}' cannot be created or written");
        AssertNoStackTrace(error);
    }

    [TestMethod]
    public void AMalformedNumberNamesItsOption()
    {
        var (code, error) = Run("TwoMoons", "--quick", "--seed", "abc", "--out", Path.Combine(folder, "out"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--seed needs a whole number, not 'abc'");
        AssertNoStackTrace(error);
    }

    [TestMethod]
    [DataRow("--seeds 1", "--seeds must be at least 2")]
    [DataRow("--seeds 3 --save m.zip", "--seeds measures the score errors only; leave out --save")]
    public void TwoMoonsSeedsOptionsTheRunCannotUseAreRefused(string options, string message)
    {
        var (code, error) = Run("TwoMoons", new[] { "--quick" }.Concat(options.Split(' ')).Concat(new[] { "--out", Path.Combine(folder, "out") }).ToArray());
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, message);
        AssertNoStackTrace(error);
    }

    [TestMethod]
    public void SettingsTheMetricsCannotUseAreRefusedBeforeTraining()
    {
        var (code, error) = Run("FashionMnist", "--quick", "--samples-per-class", "1", "--out", Path.Combine(folder, "out"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--samples-per-class must be at least");
        AssertNoStackTrace(error);
    }

    [TestMethod]
    public void TheSamplerStudyRefusesASamplerOfItsOwnBeforeTraining()
    {
        // --samplers runs every sampler at its own budgets; a --sampler beside it would be silently ignored.
        var (code, error) = Run("FashionMnist", "--quick", "--samplers", "--sampler", "ddim", "--out", Path.Combine(folder, "out"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--samplers runs every sampler");
        AssertNoStackTrace(error);
    }

    [TestMethod]
    [DataRow("--sampler-eta 1.5", "--sampler-eta needs a number in [0, 1], not '1.5'")]
    [DataRow("--sampler heun --sampler-eta 0.5", "--sampler-eta is DDIM's; it does nothing for --sampler heun")]
    [DataRow("--sampler-churn 40", "--sampler-churn is Heun's; it does nothing for --sampler ddim")]
    [DataRow("--sampler heun --sampler-churn -1", "--sampler-churn needs a number in [0, infinity), not '-1'")]
    public void AStochasticSamplerSettingOutOfRangeOrForAnotherSamplerIsRefused(string options, string message)
    {
        // The default sampler is DDIM, so --sampler-churn alone names a setting the run would ignore.
        var (code, error) = Run("FashionMnist", new[] { "--quick" }.Concat(options.Split(' ')).Concat(new[] { "--out", Path.Combine(folder, "out") }).ToArray());
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, message);
        AssertNoStackTrace(error);
    }

    [TestMethod]
    [DataRow("--methods dlsm,scaling-10", "--methods must include base")]
    [DataRow("--methods base,cfg", "'cfg' is not one of them")]
    [DataRow("--seeds 0", "--seeds must be at least 1")]
    [DataRow("--samplers --seeds 3", "leave out --seeds and --methods")]
    [DataRow("--costs --samplers", "Give --samplers or --costs, not both")]
    [DataRow("--costs --seeds 3", "leave out --seeds, --methods and --resume")]
    [DataRow("--costs --sampler ode", "the adaptive ODE's steps depend on the trained network")]
    public void AStudyOptionTheRunCannotUseIsRefusedBeforeTraining(string options, string message)
    {
        var (code, error) = Run("FashionMnist", new[] { "--quick" }.Concat(options.Split(' ')).Concat(new[] { "--out", Path.Combine(folder, "out") }).ToArray());
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, message);
        AssertNoStackTrace(error);
    }

    [TestMethod]
    [DataRow("--resamples 1", "--resamples must be 0 (no intervals) or in [2, 100000]; it is 1")]
    [DataRow("--level 1.5", "--level must be in [0.5, 0.999]; it is 1.5")]
    public void AnIntervalSettingOutOfRangeIsRefusedBeforeTheFilesAreRead(string options, string message)
    {
        // The files do not exist: the option must be named first, before any reading.
        string missing = Path.Combine(folder, "real.csv");
        var (code, error) = Run("Evaluate", new[] { "--real", missing, "--generated", missing, "--out", Path.Combine(folder, "out") }.Concat(options.Split(' ')).ToArray());
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, message);
        AssertNoStackTrace(error);
    }

    [TestMethod]
    public void AMissingInputFileIsNamedWithoutAStackTraceAndVerboseShowsIt()
    {
        string missing = Path.Combine(folder, "real.csv");
        var args = new[] { "--real", missing, "--generated", missing, "--out", Path.Combine(folder, "out") };
        var (code, error) = Run("Evaluate", args);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, missing);
        AssertNoStackTrace(error);
        var (verboseCode, verbose) = Run("Evaluate", args.Append("--verbose").ToArray());
        Assert.AreEqual(code, verboseCode);
        StringAssert.Contains(verbose, "   at ", "--verbose shows where it happened");
    }

    static void AssertNoStackTrace(string error)
    {
        Assert.DoesNotContain("   at ", error, error);
        Assert.DoesNotContain("Unhandled exception", error, error);
    }

    /// <summary>Runs an example's built assembly with <c>dotnet</c>; returns its exit code and standard error.</summary>
    // Where tcmalloc is installed the apps start again under it, in place (NativeAllocator.PreferTcmalloc): the restarted
    // process has the same arguments, and its errors and exit code reach the caller unchanged. LD_DEBUG=libs makes the
    // dynamic loader name every library it starts, so the test sees tcmalloc loaded, and not loaded when the user asks
    // for glibc's allocator.
    [TestMethod]
    public void AnAppStartsAgainUnderTcmallocWithItsArgumentsAndExitCode()
    {
        if (ScoreML.Runtime.NativeAllocator.TcmallocLibrary() is null)
            Assert.Inconclusive("tcmalloc is not installed here (apt-get install libtcmalloc-minimal4), so nothing restarts.");
        var environment = new Dictionary<string, string?> { ["LD_DEBUG"] = "libs", ["LD_PRELOAD"] = null, [ScoreML.Runtime.NativeAllocator.Variable] = null };
        var (code, error) = RunWith(environment, "TwoMoons", "--quick", "--seed", "abc", "--out", Path.Combine(folder, "out"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--seed needs a whole number, not 'abc'");
        StringAssert.Contains(error, "libtcmalloc_minimal.so");

        environment[ScoreML.Runtime.NativeAllocator.Variable] = "glibc";
        (code, error) = RunWith(environment, "TwoMoons", "--quick", "--seed", "abc", "--out", Path.Combine(folder, "out"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--seed needs a whole number, not 'abc'");
        Assert.DoesNotContain("libtcmalloc_minimal.so", error);
    }

    static (int Code, string Error) Run(string app, params string[] args) => RunWith(new Dictionary<string, string?>(), app, args);

    // environment: variables to set, or with a null value to remove, for the app's process.
    static (int Code, string Error) RunWith(IReadOnlyDictionary<string, string?> environment, string app, params string[] args)
    {
        string root = RepositoryRoot();
        string dll = Path.Combine(root, "examples", app, "bin", Configuration, "net10.0", app + ".dll");
        Assert.IsTrue(File.Exists(dll), $"{dll} is missing: the test project builds the example apps first (ProjectReference, ReferenceOutputAssembly=false).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = root };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (variable, value) in environment)
            if (value is null) start.Environment.Remove(variable); else start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{app} {string.Join(' ', args)} did not end within two minutes.");
        }
        output.Wait();
        return (process.ExitCode, error.Trim());
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "ScoreML.sln"))) return directory.FullName;
        throw new InvalidOperationException($"No ScoreML.sln above {AppContext.BaseDirectory}.");
    }
}
