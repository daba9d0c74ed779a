using ScoreML.Tests.Classification;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Persistence;

[TestClass]
public sealed class ModelZipTests
{
    static readonly MLContext Ml = TwoGaussians.Ml;

    // Briefly trained models: a round trip must reproduce them exactly whatever their quality.
    static readonly Lazy<ScoreModelTransformer> scoreModel = new(() =>
    {
        var options = TwoGaussians.ScoreOptions();
        options.Steps = 30;
        options.Sampler = new SamplerOptions { Steps = 30, BatchSize = 16, Seed = 9 };
        return Ml.ScoreMatching().Trainers.ScoreModel(options).Fit(TwoGaussians.Data);
    });
    static readonly Lazy<NoiseConditionalClassifierTransformer> classifier = new(() =>
        Ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel.Value.Model, TwoGaussians.ClassifierOptions(ClassifierLoss.DlsmPlusCrossEntropy, steps: 20))
            .Fit(TwoGaussians.Data));

    static ConditionalSamplerOptions Sampling => new() { GuidanceScale = 2, Sampler = new SamplerOptions { Steps = 30, BatchSize = 8, Seed = 5 } };

    public TestContext TestContext { get; set; } = null!;

    string TempFile(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{TestContext.TestName}-{name}");

    [TestMethod]
    public void ScoreModelSavedByPlainMLNetLoadsAndGeneratesTheSameSamples()
    {
        string path = TempFile("score.zip");
        Ml.Model.Save(scoreModel.Value, TwoGaussians.Data.Schema, path);
        using var loaded = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(path, out var schema);
        Assert.AreEqual(TwoGaussians.Data.Schema.Count, schema.Count);
        CollectionAssert.AreEqual(scoreModel.Value.Generate(20), loaded.Generate(20));
        Assert.AreEqual(scoreModel.Value.Sampler.Steps, loaded.Sampler.Steps);
        var requests = Ml.ScoreMatching().Data.Requests(20);
        CollectionAssert.AreEqual(Column(scoreModel.Value.Transform(requests), "Generated"), Column(loaded.Transform(requests), "Generated"));
    }

    [TestMethod]
    public void ClassifierAndConditionalSamplerRoundTripThroughScoreMLSave()
    {
        string classifierPath = TempFile("classifier.zip"), samplerPath = TempFile("sampler.zip");
        Ml.ScoreMatching().Model.Save(classifier.Value, TwoGaussians.Data.Schema, classifierPath);
        using var sampler = classifier.Value.CreateSampler(Sampling);
        Ml.ScoreMatching().Model.Save(sampler, TwoGaussians.Data.Schema, samplerPath);
        Assert.IsFalse(File.Exists(classifierPath + ".tmp"));

        using var loadedClassifier = (NoiseConditionalClassifierTransformer)Ml.ScoreMatching().Model.Load(classifierPath, out _);
        CollectionAssert.AreEqual(new[] { "left", "right" }, loadedClassifier.Labels.Names);
        CollectionAssert.AreEqual(Column(classifier.Value.Transform(TwoGaussians.Data), "Score"), Column(loadedClassifier.Transform(TwoGaussians.Data), "Score"));

        using var loadedSampler = (ConditionalSamplingTransformer)Ml.ScoreMatching().Model.Load(samplerPath, out _);
        Assert.AreEqual(2.0, loadedSampler.Options.GuidanceScale);
        var classes = new[] { 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0 };
        CollectionAssert.AreEqual(sampler.Generate(classes), loadedSampler.Generate(classes));
        var reseeded = new ConditionalSamplerOptions { GuidanceScale = 2, Sampler = new SamplerOptions { Steps = 30, BatchSize = 8, Seed = 6 } };
        CollectionAssert.AreEqual(sampler.WithOptions(reseeded).Generate(classes), loadedSampler.WithOptions(reseeded).Generate(classes));
    }

    /// <summary>A guided sampler with each fast sampler and its settings saves, loads and samples bit-identically.</summary>
    [TestMethod]
    [DataRow(SamplerKind.Ddim)]
    [DataRow(SamplerKind.Heun)]
    [DataRow(SamplerKind.DpmSolver2M)]
    [DataRow(SamplerKind.DpmSolver3S)]
    [DataRow(SamplerKind.AdaptiveOde)]
    public void GuidedSamplersWithTheFastSamplersRoundTripBitIdentically(SamplerKind kind)
    {
        var samplerOptions = new SamplerOptions
        {
            Kind = kind, BatchSize = 8, Seed = 5,
            Evaluations = kind == SamplerKind.AdaptiveOde ? null : 12,
            Eta = 0.5, Churn = 5, ChurnMinSigma = 0.05, ChurnMaxSigma = 3, SigmaSchedule = kind == SamplerKind.Ddim ? SigmaScheduleKind.LogSnrUniform : null,
            Rho = 5, RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-3,
        };
        using var sampler = classifier.Value.CreateSampler(new ConditionalSamplerOptions { GuidanceScale = 2, Sampler = samplerOptions });
        string path = TempFile("sampler.zip");
        Ml.ScoreMatching().Model.Save(sampler, TwoGaussians.Data.Schema, path);
        using var loaded = (ConditionalSamplingTransformer)Ml.ScoreMatching().Model.Load(path, out _);
        var saved = loaded.Options.Sampler;
        Assert.AreEqual(kind, saved.Kind);
        Assert.AreEqual(samplerOptions.Evaluations, saved.Evaluations);
        Assert.AreEqual(samplerOptions.SigmaSchedule, saved.SigmaSchedule);
        Assert.AreEqual(0.5, saved.Eta);
        Assert.AreEqual(3.0, saved.ChurnMaxSigma);
        Assert.AreEqual(5.0, saved.Rho);
        Assert.AreEqual(1e-3, saved.RelativeTolerance);
        var classes = new[] { 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0 };
        var original = sampler.Generate(classes);
        Assert.IsTrue(original.All(float.IsFinite), $"{kind}: samples are finite");
        CollectionAssert.AreEqual(original, loaded.Generate(classes));
    }

    [TestMethod]
    public void AChainWithMLNetTransformsBeforeTheClassifierRoundTrips()
    {
        // A raw text label and ML.NET's key mapping in front, the ScoreML classifier last.
        var raw = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i => new TwoGaussians.Row
        {
            Features = new[] { TwoGaussians.Points[2 * i], TwoGaussians.Points[2 * i + 1] },
            Class = TwoGaussians.Labels[i] == 0 ? "left" : "right",
        }).ToList(), RowSchema());
        var chain = new TransformerChain<ITransformer>(
            Ml.Transforms.Conversion.MapValueToKey("Label", nameof(TwoGaussians.Row.Class)).Fit(raw), classifier.Value);
        string path = TempFile("chain.zip");
        Ml.Model.Save(chain, raw.Schema, path);
        var loaded = Ml.ScoreMatching().Model.Load(path, out var schema);
        var parts = ((TransformerChain<ITransformer>)loaded).ToArray();
        Assert.HasCount(2, parts);
        Assert.IsInstanceOfType<NoiseConditionalClassifierTransformer>(parts[1]);
        Assert.IsNotNull(schema.GetColumnOrNull(nameof(TwoGaussians.Row.Class)));
        CollectionAssert.AreEqual(Column(chain.Transform(raw), "Score"), Column(loaded.Transform(raw), "Score"));
        ((IDisposable)parts[1]).Dispose();
    }

    [TestMethod]
    public void ImageNetworksRoundTripWithTheirArchitecture()
    {
        var shape = new ImageShape(1, 8, 8);
        var unet = new NoiseConditionalUNet(shape, new UNetOptions { BaseChannels = 8, ChannelMultipliers = new[] { 1, 2 }, AttentionResolutions = new[] { 4 } }, seed: 3);
        var resnet = new NoiseConditionalResNet(shape, 3, new ResNetOptions { BaseChannels = 8, BlocksPerStage = new[] { 1, 1 } }, seed: 4);
        foreach (NoiseConditionalNetwork network in new NoiseConditionalNetwork[] { unet, resnet })
        {
            var description = NetworkDescription.Of(network);
            using var rebuilt = description.Build("test");
            using (var stream = new MemoryStream())
            {
                NetworkWeights.Write(network, stream);
                stream.Position = 0;
                NetworkWeights.Read(rebuilt, stream, "test");
            }
            using var x = TorchSharp.torch.randn(new long[] { 2, shape.Size }, generator: new TorchSharp.torch.Generator(1));
            using var sigma = TorchSharp.torch.tensor(new float[] { 0.1f, 2f });
            network.eval();
            rebuilt.eval();
            using var expected = network.forward(x, sigma);
            using var actual = rebuilt.forward(x, sigma);
            Assert.IsTrue(expected.equal(actual).all().item<bool>(), $"{description.Summary} differs after a round trip");
            network.Dispose();
        }
    }

    [TestMethod]
    public void WeightsOfAnotherArchitectureAreRefusedNamingTheWeight()
    {
        using var small = new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 16 } }, 1);
        using var wide = new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 32 } }, 1);
        using var stream = new MemoryStream();
        NetworkWeights.Write(small, stream);
        stream.Position = 0;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => NetworkWeights.Read(wide, stream, "the weights"));
        StringAssert.Contains(e.Message, "the weights");
        StringAssert.Contains(e.Message, "[16, ");
        StringAssert.Contains(e.Message, "[32, ");
    }

    [TestMethod]
    public void PlainMLNetLoadRefusesAndNamesTheScoreMLCall()
    {
        string path = TempFile("plain.zip");
        Ml.Model.Save(scoreModel.Value, TwoGaussians.Data.Schema, path);
        var e = Assert.Throws<Exception>(() => new MLContext(1).Model.Load(path, out _));
        while (e.InnerException is not null) e = e.InnerException;
        StringAssert.Contains(e.Message, "mlContext.ScoreMatching().Model.Load");
    }

    [TestMethod]
    public void ATruncatedZipIsRefusedNamingTheFile()
    {
        string path = TempFile("full.zip"), truncated = TempFile("truncated.zip");
        Ml.Model.Save(classifier.Value, TwoGaussians.Data.Schema, path);
        byte[] bytes = File.ReadAllBytes(path);
        foreach (double fraction in new[] { 0.3, 0.9, 0.999 })
        {
            File.WriteAllBytes(truncated, bytes.AsSpan(0, (int)(bytes.Length * fraction)).ToArray());
            var e = Assert.ThrowsExactly<InvalidDataException>(() => Ml.ScoreMatching().Model.Load(truncated, out _));
            StringAssert.Contains(e.Message, Path.GetFullPath(truncated));
        }
    }

    [TestMethod]
    public void AnAlteredZipNeverLoadsIntoADifferentModel()
    {
        string path = TempFile("original.zip"), altered = TempFile("altered.zip");
        Ml.Model.Save(scoreModel.Value, TwoGaussians.Data.Schema, path);
        byte[] bytes = File.ReadAllBytes(path);
        float[] expected = scoreModel.Value.Generate(4);
        int refused = 0;
        for (int k = 1; k < 24; k++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[(int)((long)copy.Length * k / 24)] ^= 0x5A;
            File.WriteAllBytes(altered, copy);
            try
            {
                using var loaded = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(altered, out _);
                CollectionAssert.AreEqual(expected, loaded.Generate(4), $"a byte changed at {k}/24 gave a different model");
            }
            catch (InvalidDataException e)
            {
                StringAssert.Contains(e.Message, Path.GetFullPath(altered));
                refused++;
            }
        }
        Assert.IsGreaterThan(12, refused, "most single-byte changes must be noticed");
    }

    /// <summary>
    /// A package without custom components is written as version 1, which every ScoreML release reads; one holding a custom
    /// sampler is version 2, so a release that knows only version 1 refuses it by number instead of sampling it with a built-in.
    /// </summary>
    [TestMethod]
    public void OnlyPackagesWithCustomComponentsAreWrittenAsVersion2()
    {
        int versionAt = 1 + "ScoreML.TransformerPackage".Length;   // after the length-prefixed magic
        byte[] plain = SavedTransformers.Pack(scoreModel.Value).ToBytes();
        Assert.AreEqual(1, BitConverter.ToInt32(plain, versionAt));

        ScoreMLRegistry.RegisterAssembly(typeof(Extending.TinyEulerSampler).Assembly);
        using var custom = scoreModel.Value.WithSampler(new SamplerOptions { CustomSampler = new Extending.TinyEulerSampler { Steps = 3 } });
        byte[] withComponent = SavedTransformers.Pack(custom).ToBytes();
        Assert.AreEqual(2, BitConverter.ToInt32(withComponent, versionAt));
        var manifest = TransformerPackage.FromBytes(withComponent, "p").Manifest;
        Assert.IsNotNull(manifest.Components, "version 2 carries the component");
    }

    [TestMethod]
    public void PackagesOfAnotherVersionOrAlteredBytesAreRefused()
    {
        var package = SavedTransformers.Pack(scoreModel.Value);
        byte[] bytes = package.ToBytes();
        Assert.AreEqual("ScoreModelTransformer", TransformerPackage.FromBytes(bytes, "p").Manifest.Kind);

        byte[] newer = (byte[])bytes.Clone();
        int versionAt = 1 + "ScoreML.TransformerPackage".Length;   // after the length-prefixed magic
        BitConverter.TryWriteBytes(newer.AsSpan(versionAt, 4), TransformerPackage.Version + 1);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TransformerPackage.FromBytes(newer, "package P"));
        StringAssert.Contains(e.Message, "package P");
        StringAssert.Contains(e.Message, $"version {TransformerPackage.Version + 1}");

        byte[] flipped = (byte[])bytes.Clone();
        flipped[^10] ^= 1;
        e = Assert.ThrowsExactly<InvalidDataException>(() => TransformerPackage.FromBytes(flipped, "package P"));
        StringAssert.Contains(e.Message, "checksum");
    }

    [TestMethod]
    public void ASamplerOfACustomScoreCannotBeSavedAndSaysWhy()
    {
        var sampler = new ConditionalSamplingTransformer((x, t, labels) => x, scoreModel.Value.Model.Sde, 2, classifier.Value.Labels,
            TorchSharp.torch.CPU, Sampling);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Ml.Model.Save(sampler, TwoGaussians.Data.Schema, TempFile("custom.zip")));
        StringAssert.Contains(e.Message, "CreateSampler");
    }

    static float[] Column(IDataView view, string name) => view.GetColumn<float[]>(name).SelectMany(v => v).ToArray();

    static SchemaDefinition RowSchema()
    {
        var schema = SchemaDefinition.Create(typeof(TwoGaussians.Row));
        schema[nameof(TwoGaussians.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        return schema;
    }
}
