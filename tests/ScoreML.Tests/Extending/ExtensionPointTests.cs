using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML.Tests.Extending;

/// <summary>
/// A user's own sampler, predictor, corrector and guidance term (<see cref="UserComponents"/>) work through Transform; a model
/// holding one saves only once its type is registered (the refusal names the type and the call, and comes before any file
/// exists), and a registered one loads and draws the same samples.
/// </summary>
[TestClass]
public sealed class ExtensionPointTests
{
    static readonly MLContext Ml = new(1);
    static readonly VeSde Ve = new(0.01, 5);
    const int Rows = 12;

    public TestContext TestContext { get; set; } = null!;

    string TempFile(string name) => Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{TestContext.TestName}-{name}");

    // An untrained network: a round trip must reproduce any model exactly, and the tests need no training time.
    static ScoreModel NewModel() => new(new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 16 } }, seed: 1), Ve, CPU);

    static SamplerOptions Options(Action<SamplerOptions> set)
    {
        var options = new SamplerOptions { Steps = 30, BatchSize = 5, Seed = 3 };
        set(options);
        return options;
    }

    [TestMethod]
    public void ACustomSamplerDrawsTheSamplesOfTransform()
    {
        int observed = 0;
        var options = Options(o =>
        {
            o.CustomSampler = new TinyEulerSampler { Steps = 7 };
            o.BatchSize = Rows;
            o.StepObserver = (_, _) => observed++;
        });
        using var transformer = new ScoreModelTransformer(NewModel(), options);
        float[] generated = Column(transformer.Transform(Ml.ScoreMatching().Data.Requests(Rows)));
        Assert.AreEqual(7, observed, "the custom sampler ran its own 7 steps, once for the one batch");

        using var scope = NewDisposeScope();
        using var generator = new Generator(SamplerSeeds.ForBatch(options.Seed ?? 0, 0), CPU);
        var direct = Sampler.Sample(transformer.Model.AsScoreFunction(), Ve, 2, options, generator, SamplerSeeds.ForRows(options.Seed ?? 0, 0, Rows), CPU);
        CollectionAssert.AreEqual(direct.data<float>().ToArray(), generated, "Transform samples with the options' custom sampler");
        using var builtIn = transformer.WithSampler(Options(o => o.BatchSize = Rows));
        CollectionAssert.AreNotEqual(builtIn.Generate(Rows), generated);
    }

    [TestMethod]
    public void ACustomPredictorAndCorrectorRunInsideThePredictorCorrectorSampler()
    {
        using var builtIn = new ScoreModelTransformer(NewModel(), Options(o => { o.Predictor = PredictorKind.EulerMaruyama; o.Corrector = CorrectorKind.None; }));
        using var custom = builtIn.WithSampler(Options(o => { o.CustomPredictor = new UserEulerMaruyamaPredictor(); o.Corrector = CorrectorKind.None; }));
        var requests = Ml.ScoreMatching().Data.Requests(Rows);
        float[] expected = Column(builtIn.Transform(requests));
        CollectionAssert.AreEqual(expected, Column(custom.Transform(requests)), "the user's Euler-Maruyama is the built-in one, bit for bit");

        using var noiseless = builtIn.WithSampler(Options(o => { o.CustomPredictor = new UserEulerMaruyamaPredictor { NoiseScale = 0 }; o.Corrector = CorrectorKind.None; }));
        CollectionAssert.AreNotEqual(expected, Column(noiseless.Transform(requests)), "the predictor's setting is used");

        using var corrected = builtIn.WithSampler(Options(o => { o.Predictor = PredictorKind.EulerMaruyama; o.CustomCorrector = new FixedStepLangevinCorrector(); }));
        float[] withCorrector = Column(corrected.Transform(requests));
        Assert.IsTrue(withCorrector.All(float.IsFinite));
        CollectionAssert.AreNotEqual(expected, withCorrector, "the custom corrector ran before each predictor step");
    }

    [TestMethod]
    public void ACustomGuidanceTermGuidesTransform()
    {
        using var prior = new ScoreModelTransformer(NewModel(), Options(_ => { }));
        var guidance = new ClassCentreGuidance { Separation = 3 };
        var options = new ConditionalSamplerOptions { Guidance = guidance, Sampler = Options(o => o.Kind = SamplerKind.ProbabilityFlowOde) };
        using var sampler = prior.CreateGuidedSampler(new LabelKeys(2), options);
        int[] classes = Enumerable.Range(0, Rows).Select(i => i % 2).ToArray();
        float[] generated = Column(sampler.Transform(KeyRequests(classes)));

        float[] expected = sampler.Generate(classes);
        CollectionAssert.AreEqual(expected, generated, "Transform and Generate agree");
        double Mean(int c) => classes.Select((k, i) => (k, x: generated[2 * i])).Where(p => p.k == c).Average(p => p.x);
        Assert.IsGreaterThan(guidance.Separation, Mean(1) - Mean(0), "the term pulls class 1 right and class 0 left");

        using var scope = NewDisposeScope();
        using var generator = new Generator(SamplerSeeds.ForBatch(options.Sampler.Seed ?? 0, 0), CPU);
        var labels = tensor(classes.Take(5).Select(c => (long)c).ToArray());
        var score = guidance.AddTo(prior.Model);
        var direct = Sampler.Sample((x, t) => score(x, t, labels), Ve, 2, options.Sampler, generator, SamplerSeeds.ForRows(options.Sampler.Seed ?? 0, 0, 5), CPU);
        CollectionAssert.AreEqual(direct.data<float>().ToArray(), generated.Take(10).ToArray(), "the first batch is prior + term");
    }

    [TestMethod]
    [DataRow("sampler")]
    [DataRow("predictor")]
    [DataRow("corrector")]
    [DataRow("guidance")]
    public void SavingAnUnregisteredCustomTypeFailsBeforeWritingAndNamesTheType(string role)
    {
        var (transformer, type, option) = role switch
        {
            "sampler" => Unconditional(o => o.CustomSampler = new UnregisteredTinyEulerSampler(), typeof(UnregisteredTinyEulerSampler), "Sampler.CustomSampler"),
            "predictor" => Unconditional(o => o.CustomPredictor = new UnregisteredUserEulerMaruyamaPredictor(), typeof(UnregisteredUserEulerMaruyamaPredictor), "Sampler.CustomPredictor"),
            "corrector" => Unconditional(o => o.CustomCorrector = new UnregisteredFixedStepLangevinCorrector(), typeof(UnregisteredFixedStepLangevinCorrector), "Sampler.CustomCorrector"),
            _ => ((ITransformer)Guided(new UnregisteredClassCentreGuidance()), typeof(UnregisteredClassCentreGuidance), "Guidance"),
        };
        using ((IDisposable)transformer)
        {
            string path = TempFile("unregistered.zip");
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => Ml.ScoreMatching().Model.Save(transformer, InputOf(transformer), path));
            StringAssert.Contains(e.Message, type.FullName!);
            StringAssert.Contains(e.Message, option);
            StringAssert.Contains(e.Message, $"ScoreMLRegistry.Register<{type.Name}>");
            StringAssert.Contains(e.Message, "RegisterAssembly");
            Assert.IsFalse(File.Exists(path), "nothing is written");
            Assert.IsFalse(File.Exists(path + ".tmp"), "not even the temporary file");

            using var stream = new MemoryStream();
            var plain = Assert.ThrowsExactly<InvalidOperationException>(() => Ml.Model.Save(transformer, InputOf(transformer), stream));
            StringAssert.Contains(plain.Message, type.FullName!, "ML.NET's own Save refuses the same way");
        }
    }

    [TestMethod]
    [DataRow("sampler")]
    [DataRow("predictor")]
    [DataRow("corrector")]
    [DataRow("guidance")]
    public void ARegisteredCustomTypeRoundTripsWithItsSettings(string role)
    {
        ScoreMLRegistry.RegisterAssembly(typeof(TinyEulerSampler).Assembly);   // every [ScoreMLComponent] type of these tests
        var (transformer, _, _) = role switch
        {
            "sampler" => Unconditional(o => o.CustomSampler = new TinyEulerSampler { Steps = 9 }, typeof(TinyEulerSampler), ""),
            "predictor" => Unconditional(o => o.CustomPredictor = new UserEulerMaruyamaPredictor { NoiseScale = 0.5 }, typeof(UserEulerMaruyamaPredictor), ""),
            "corrector" => Unconditional(o => o.CustomCorrector = new FixedStepLangevinCorrector { StepSize = 3e-4 }, typeof(FixedStepLangevinCorrector), ""),
            _ => ((ITransformer)Guided(new ClassCentreGuidance { Separation = 2.5, Weight = 0.75 }), typeof(ClassCentreGuidance), ""),
        };
        using ((IDisposable)transformer)
        {
            string path = TempFile("registered.zip");
            Ml.ScoreMatching().Model.Save(transformer, InputOf(transformer), path);
            using var loaded = (IDisposable)Ml.ScoreMatching().Model.Load(path, out _);
            switch (transformer)
            {
                case ScoreModelTransformer original:
                {
                    var copy = (ScoreModelTransformer)loaded;
                    CollectionAssert.AreEqual(original.Generate(Rows), copy.Generate(Rows));
                    Assert.AreEqual(Settings(original.Sampler), Settings(copy.Sampler));
                    break;
                }
                case ConditionalSamplingTransformer original:
                {
                    var copy = (ConditionalSamplingTransformer)loaded;
                    int[] classes = Enumerable.Range(0, Rows).Select(i => i % 2).ToArray();
                    CollectionAssert.AreEqual(original.Generate(classes), copy.Generate(classes));
                    var guidance = (ClassCentreGuidance)copy.Options.Guidance!;
                    Assert.AreEqual((2.5, 0.75), (guidance.Separation, guidance.Weight));
                    break;
                }
            }
        }
    }

    [TestMethod]
    public void BuiltInStepsPassedAsInstancesSaveAsBuiltIns()
    {
        using var transformer = new ScoreModelTransformer(NewModel(), Options(o => { o.CustomPredictor = new EulerMaruyamaPredictor(); o.CustomCorrector = new LangevinCorrector(); }));
        string path = TempFile("builtin.zip");
        Ml.ScoreMatching().Model.Save(transformer, InputOf(transformer), path);
        using var loaded = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(path, out _);
        Assert.IsInstanceOfType<EulerMaruyamaPredictor>(loaded.Sampler.CustomPredictor);
        CollectionAssert.AreEqual(transformer.Generate(Rows), loaded.Generate(Rows));
    }

    [TestMethod]
    public void AZipNamingAnUnknownContractIsRefusedNamingItAndTheCall()
    {
        ScoreMLRegistry.Register<TinyEulerSampler>("ScoreML.Tests.TinyEuler");
        using var transformer = new ScoreModelTransformer(NewModel(), Options(o => o.CustomSampler = new TinyEulerSampler()));
        var package = SavedTransformers.Pack(transformer);
        package.Manifest.Components!["Sampler.CustomSampler"].Contract = "Elsewhere.NeverRegistered";
        var read = TransformerPackage.FromBytes(package.ToBytes(), "package P");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SavedTransformers.Unpack(read, CPU, "package P"));
        StringAssert.Contains(e.Message, "package P");
        StringAssert.Contains(e.Message, "'Elsewhere.NeverRegistered'");
        StringAssert.Contains(e.Message, "ScoreMLRegistry.Register");
    }

    [TestMethod]
    public void TheRegistryRefusesConflictsAndTypesThatAreNoExtensionPoint()
    {
        ScoreMLRegistry.Register<TinyEulerSampler>("ScoreML.Tests.TinyEuler");
        ScoreMLRegistry.Register<TinyEulerSampler>("ScoreML.Tests.TinyEuler");   // the same pair again is fine
        Assert.AreEqual("ScoreML.Tests.TinyEuler", ScoreMLRegistry.ContractNameOf(typeof(TinyEulerSampler)));
        var renamed = Assert.ThrowsExactly<ArgumentException>(() => ScoreMLRegistry.Register<TinyEulerSampler>("ScoreML.Tests.Other"));
        StringAssert.Contains(renamed.Message, "'ScoreML.Tests.TinyEuler'");
        var taken = Assert.ThrowsExactly<ArgumentException>(() => ScoreMLRegistry.Register<UnregisteredTinyEulerSampler>("ScoreML.Tests.TinyEuler"));
        StringAssert.Contains(taken.Message, typeof(TinyEulerSampler).FullName!);
        var notAComponent = Assert.ThrowsExactly<ArgumentException>(() => ScoreMLRegistry.Register<MLContext>("ScoreML.Tests.Context"));
        StringAssert.Contains(notAComponent.Message, "Sampler, Predictor, Corrector or GuidanceTerm");
        Assert.IsNull(ScoreMLRegistry.ContractNameOf(typeof(UnregisteredTinyEulerSampler)));
    }

    [TestMethod]
    public void ACustomKindWithoutASamplerIsRefusedNamingTheOption()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SamplerOptions { Kind = SamplerKind.Custom }.Validate());
        Assert.AreEqual(nameof(SamplerOptions.CustomSampler), e.ParamName);
        StringAssert.Contains(e.Message, "Sampler.CustomSampler");
        var guided = Assert.ThrowsExactly<ArgumentException>(() =>
            new ConditionalSamplingTransformer((x, t, y) => x, Ve, 2, new LabelKeys(2), CPU, new ConditionalSamplerOptions { Guidance = new ClassCentreGuidance() }));
        StringAssert.Contains(guided.Message, "CreateGuidedSampler");
        using var prior = new ScoreModelTransformer(NewModel(), Options(_ => { }));
        var missing = Assert.ThrowsExactly<ArgumentException>(() => prior.CreateGuidedSampler(new LabelKeys(2), new ConditionalSamplerOptions()));
        StringAssert.Contains(missing.Message, "ConditionalSamplerOptions.Guidance");
    }

    [TestMethod]
    public void ADivergingCustomSamplerIsNamedWithItsOption()
    {
        var options = Options(o => o.CustomSampler = new TinyEulerSampler { Steps = 3 });
        ScoreFunction broken = (x, t) => full_like(x, 1e38);
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var e = Assert.ThrowsExactly<SamplerDivergedException>(() => Sampler.Sample(broken, Ve, 4, 2, options, generator, CPU));
        Assert.AreEqual(SamplerKind.Custom, e.Kind);
        Assert.AreEqual("Sampler.CustomSampler", e.SuspectOption);
        StringAssert.Contains(e.Message, $"The {nameof(TinyEulerSampler)} sampler");
    }

    [TestMethod]
    public void TheFirstReleasesStaticEntryPointsStillDrawTheSameSamples()
    {
        using var scope = NewDisposeScope();
        var score = new GaussianMixtureScore(new[] { 1.0 }, new[] { new[] { 1.0, -1.0 } }, new[] { 0.5 }).AsScoreFunction(Ve);
        foreach (var kind in new[] { SamplerKind.PredictorCorrector, SamplerKind.AnnealedLangevin, SamplerKind.ProbabilityFlowOde })
        {
            var options = Options(o => { o.Kind = kind; o.NoiseLevels = 3; o.StepsPerLevel = 4; });
            using var first = new Generator(4);
            using var second = new Generator(4);
            var expected = Sampler.Sample(score, Ve, 5, 2, options, first, CPU);
#pragma warning disable CS0618   // the obsolete forwards are what this test checks
            var actual = kind switch
            {
                SamplerKind.PredictorCorrector => PredictorCorrectorSampler.Sample(score, Ve, 5, 2, options, second, CPU),
                SamplerKind.AnnealedLangevin => AnnealedLangevinSampler.Sample(score, Ve, 5, 2, options, second, CPU),
                _ => ProbabilityFlowOdeSampler.Sample(score, Ve, 5, 2, options, second, CPU),
            };
#pragma warning restore CS0618
            Assert.IsTrue(expected.equal(actual).all().item<bool>(), $"{kind} draws the same samples through its old static Sample");
        }
    }

    static (ITransformer, Type, string) Unconditional(Action<SamplerOptions> set, Type type, string option) =>
        (new ScoreModelTransformer(NewModel(), Options(set)), type, option);

    static ConditionalSamplingTransformer Guided(GuidanceTerm term)
    {
        using var prior = new ScoreModelTransformer(NewModel(), Options(_ => { }));
        return prior.CreateGuidedSampler(new LabelKeys(2), new ConditionalSamplerOptions { Guidance = term, Sampler = Options(o => o.Kind = SamplerKind.ProbabilityFlowOde) });
    }

    static string Settings(SamplerOptions options) => string.Join(";",
        new object?[] { options.CustomSampler, options.CustomPredictor, options.CustomCorrector }
            .Select(c => c is null ? "none" : $"{c.GetType().Name}:{System.Text.Json.JsonSerializer.Serialize(c, c.GetType())}"));

    static DataViewSchema InputOf(ITransformer transformer) =>
        transformer is ConditionalSamplingTransformer ? KeyRequests(new[] { 0 }).Schema : Ml.ScoreMatching().Data.Requests(1).Schema;

    static float[] Column(IDataView view) => view.GetColumn<float[]>("Generated").SelectMany(v => v).ToArray();

    static IDataView KeyRequests(int[] classes)
    {
        var schema = SchemaDefinition.Create(typeof(KeyRequest));
        schema[0].ColumnType = new KeyDataViewType(typeof(uint), 2);
        return Ml.Data.LoadFromEnumerable(classes.Select(c => new KeyRequest { Label = (uint)c }).ToList(), schema);   // LoadFromEnumerable stores key c + 1
    }

    public sealed class KeyRequest
    {
        public uint Label { get; set; }
    }
}
