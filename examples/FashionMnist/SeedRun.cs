using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
using ScoreML.Benchmarks;
using ScoreML.Examples;
using ScoreML.Images;
using ScoreML.Transforms.Sampling;

namespace FashionMnist;

/// <summary>
/// The study for one seed, training included: the score model, the guidance classifiers the methods need, the domain feature
/// classifier, the same number of images per class from every method, and each set judged by the pretrained ResNet-18 and by
/// the domain classifier, beside the real floor (real training images against the test images at the same size). Networks
/// are checkpointed under the seed's folder.
/// </summary>
internal sealed class SeedRun
{
    readonly MLContext ml;
    readonly RunSettings settings;
    readonly LabelledImages train, test;
    readonly string folder;
    readonly ExampleCheckpoints checkpoints;
    readonly Stopwatch wall;
    readonly Dictionary<string, double> timings = new();

    public SeedRun(RunSettings settings, LabelledImages train, LabelledImages test, string folder, bool resume, Stopwatch wall)
    {
        ml = new MLContext(settings.Seed);
        this.settings = settings;
        this.train = train;
        this.test = test;
        this.folder = folder;
        this.wall = wall;
        checkpoints = new ExampleCheckpoints(folder, resume);
    }

    T Timed<T>(string phase, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        var result = work();
        timings[phase] = Math.Round(clock.Elapsed.TotalSeconds, 1);
        Console.WriteLine($"  seed {settings.Seed}, {phase}: {clock.Elapsed.TotalSeconds:F0} s (total {wall.Elapsed.TotalMinutes:F1} min)");
        return result;
    }

    /// <param name="pretrained">The pretrained judge (shared by every seed) and its reference on the test images.</param>
    /// <param name="showcase">Draw the trajectory strip (and save the sampler when <paramref name="savePath"/> is set): the first seed only.</param>
    public SeedResult Run(IFeatureExtractor pretrained, RealSetReference pretrainedReference, bool showcase, string? savePath)
    {
        var clock = Stopwatch.StartNew();
        var trainView = train.ToDataView(ml);

        // 1. The score model (the prior score of every method).
        using var scoreModel = TrainScoreModel(trainView);

        // 2. The guidance classifiers the classifier-guided methods need, on the frozen score model; the class-conditional score
        // model (label dropout) of classifier-free guidance, if a method uses it.
        var classifiers = settings.Methods.Where(m => m.Loss is not null).Select(m => m.Loss!.Value).Distinct()
            .ToDictionary(loss => loss, loss => TrainClassifier(scoreModel.Model, loss, trainView));
        using var conditional = settings.Methods.Any(m => m.IsClassifierFree) ? TrainConditionalScoreModel(trainView) : null;
        ConditionalSamplingTransformer CreateSampler(GuidanceMethod method, SamplerOptions sampler) => method.IsClassifierFree
            ? conditional!.CreateSampler(method.SamplerOptions(sampler))
            : classifiers[method.Loss!.Value].CreateSampler(method.SamplerOptions(sampler));

        // Where each method's guided score is right and wrong, by noise level, before any image is drawn (the evidence for
        // whatever the metrics below say).
        var noiseLevels = Timed("noise-level diagnostics",
            () => GuidedScoreDiagnostics.Measure(scoreModel.Model, classifiers, conditional?.Model, settings.Methods, test, settings.Seed));

        // 3. The same number of images per class from each method, with the sampler --sampler names.
        var generated = Generate(settings.Methods, CreateSampler);
        var shown = settings.Methods.FirstOrDefault(m => m.Name == GuidanceMethod.Showcase) ?? settings.Methods[^1];
        if (showcase) Trajectory(sampler => CreateSampler(shown, sampler), shown);
        if (showcase && savePath is not null)
        {
            using var sampler = CreateSampler(shown, settings.Sampler);
            ml.ScoreMatching().Model.Save(sampler, trainView.Schema, savePath);
            Console.WriteLine($"  saved the {shown.Name} sampler to {Path.GetFullPath(savePath)}");
        }
        foreach (var classifier in classifiers.Values) classifier.Dispose();

        // 4. Two judges: the pretrained ResNet-18 (nobody here trained it) and the domain classifier (trained apart from the
        // guidance classifiers, so no method is judged by the network that steered it). CAS does not depend on the judge: once.
        var domain = TrainDomainJudge();
        var testView = test.ToDataView(ml);
        var byResNet = Options(pretrained, pretrainedReference, cas: true);
        var byDomain = Options(domain, null, cas: false);
        byDomain.RealReference = Timed("domain reference", () => ml.ScoreMatching().ComputeRealReference(testView, byDomain));
        var result = new SeedResult
        {
            Seed = settings.Seed,
            Judges = { [pretrained.Name] = pretrained.Identity, [domain.Name] = domain.Identity },
            NoiseLevels = noiseLevels,
        };
        void Judge(string name, IDataView set, Dictionary<string, MetricValue> into) => JudgeSet(name, set, into, result, testView, byResNet, byDomain);
        foreach (var method in settings.Methods) Judge(method.Name, generated[method.Name], result.Methods[method.Name] = new());
        // The floor: as many real training images per class as each method generated, against the same test images.
        var floorSet = RealSubset(settings.SamplesPerClass, settings.Seed + 7).ToDataView(ml);
        var floorView = ml.Transforms.CopyColumns("Generated", "Features").Fit(floorSet).Transform(floorSet);
        Judge("real floor", floorView, result.Floor);
        foreach (var (phase, seconds) in timings) result.PhaseTimesS[phase] = seconds;
        result.WallTimeS = Math.Round(clock.Elapsed.TotalSeconds, 1);
        result.Machine = MachineDescription.Describe();
        return result;
    }

    /// <summary>
    /// A finished seed's results extended by methods it did not run (classifier-free guidance added to a study measured before
    /// it existed, say): the networks those methods need are trained with the seed's settings (and checkpoints), their images
    /// judged by the pretrained ResNet-18 with CAS, as the seed's other methods were, and by the domain classifier retrained from
    /// the seed's settings when it is the very network that judged them (its identity; on another CPU its weights may differ in
    /// the last bits, and then its metrics are left out for the new methods, saying so). Their noise-level losses are added
    /// without the paired difference from base (base's per-image losses are not stored).
    /// </summary>
    public void AddMethods(SeedResult existing, IReadOnlyList<GuidanceMethod> missing, IFeatureExtractor pretrained, RealSetReference pretrainedReference)
    {
        var clock = Stopwatch.StartNew();
        var trainView = train.ToDataView(ml);
        if (existing.Judges.TryGetValue(pretrained.Name, out var pretrainedIdentity) && pretrainedIdentity != pretrained.Identity)
            throw new InvalidOperationException($"Seed {settings.Seed} was judged by {pretrained.Name} '{pretrainedIdentity}', not '{pretrained.Identity}': " +
                "the added methods' numbers would not be comparable.");
        using var scoreModel = missing.Any(m => !m.IsClassifierFree) ? TrainScoreModel(trainView) : null;
        var classifiers = missing.Where(m => m.Loss is not null).Select(m => m.Loss!.Value).Distinct()
            .ToDictionary(loss => loss, loss => TrainClassifier(scoreModel!.Model, loss, trainView));
        using var conditional = missing.Any(m => m.IsClassifierFree) ? TrainConditionalScoreModel(trainView) : null;
        ConditionalSamplingTransformer CreateSampler(GuidanceMethod method, SamplerOptions sampler) => method.IsClassifierFree
            ? conditional!.CreateSampler(method.SamplerOptions(sampler))
            : classifiers[method.Loss!.Value].CreateSampler(method.SamplerOptions(sampler));

        var levels = Timed("noise-level diagnostics (added methods)",
            () => GuidedScoreDiagnostics.Measure(scoreModel?.Model, classifiers, conditional?.Model, missing, test, settings.Seed));
        foreach (var level in levels)
        {
            var into = existing.NoiseLevels.FirstOrDefault(l => Math.Abs(l.Time - level.Time) < 1e-9);
            if (into is null) continue;
            foreach (var (name, value) in level.GuidedDsm.Where(p => missing.Any(m => m.Name == p.Key))) into.GuidedDsm[name] = value;
        }
        var generated = Generate(missing, CreateSampler);
        foreach (var classifier in classifiers.Values) classifier.Dispose();

        var testView = test.ToDataView(ml);
        var byResNet = Options(pretrained, pretrainedReference, cas: true);
        var domain = TrainDomainJudge();
        GenerativeEvaluationOptions? byDomain = null;
        if (existing.Judges.TryGetValue(domain.Name, out var domainIdentity) && domainIdentity == domain.Identity)
        {
            byDomain = Options(domain, null, cas: false);
            byDomain.RealReference = Timed("domain reference", () => ml.ScoreMatching().ComputeRealReference(testView, byDomain));
        }
        else
        {
            Console.WriteLine($"  seed {settings.Seed}: the domain classifier retrained here ('{domain.Identity}') is not the one that judged the seed's " +
                $"other methods ('{domainIdentity}'); the added methods get the ResNet-18 metrics and CAS only.");
        }
        foreach (var method in missing)
            JudgeSet(method.Name, generated[method.Name], existing.Methods[method.Name] = new(), existing, testView, byDomain is null ? new[] { byResNet } : new[] { byResNet, byDomain });
        foreach (var (phase, seconds) in timings) existing.PhaseTimesS[phase] = seconds;
        existing.WallTimeS = Math.Round(existing.WallTimeS + clock.Elapsed.TotalSeconds, 1);
    }

    void JudgeSet(string name, IDataView set, Dictionary<string, MetricValue> into, SeedResult result, IDataView testView, params GenerativeEvaluationOptions[] judges)
    {
        foreach (var options in judges)
        {
            var metrics = Timed($"evaluating {name} ({options.FeatureExtractor!.Name})", () => ml.ScoreMatching().Evaluate(testView, set, options));
            foreach (var (key, value) in SeedResult.Flatten(metrics)) into[key] = value;
            if (metrics.ClassWise is not null)
            {
                if (!result.PerClass.TryGetValue(name, out var perJudge)) result.PerClass[name] = perJudge = new();
                perJudge[metrics.FeatureName] = metrics.ClassWise.PerClass;
            }
            foreach (var warning in metrics.Warnings.Where(w => !w.StartsWith("No Inception Score", StringComparison.Ordinal)))
                Console.WriteLine($"    warning: {warning}");
        }
    }

    /// <summary>The same number of images per class from each of <paramref name="methods"/>, held in memory, with a grid of each.</summary>
    Dictionary<string, IDataView> Generate(IEnumerable<GuidanceMethod> methods, Func<GuidanceMethod, SamplerOptions, ConditionalSamplingTransformer> createSampler)
    {
        var generated = new Dictionary<string, IDataView>();
        foreach (var method in methods)
        {
            using var sampler = createSampler(method, settings.Sampler);
            var view = Timed($"sampling {method.Name}", () => sampler.GenerateForEachClass(ml, settings.SamplesPerClass));
            generated[method.Name] = view;
            var rows = view.GetColumn<float[]>("Generated").ToArray();
            var labels = view.GetColumn<uint>("Label").Select(k => (int)k - 1).ToArray();
            PngImages.SaveGrid(ImageGrid.ByClass(rows.SelectMany(r => r).ToArray(), labels, train.Shape.Size, 10), train.Shape, PixelScaling.ZeroToOne,
                Path.Combine(folder, $"grid-{method.Name}.png"));
        }
        return generated;
    }

    /// <summary>The score model (the prior score of every method), checkpointed under the seed's folder.</summary>
    public ScoreModelTransformer TrainScoreModel(IDataView trainView) => TrainScoreModel(trainView, conditional: false);

    /// <summary>The class-conditional score model of classifier-free guidance: the same U-Net, options and steps as the score model,
    /// conditioned on the label with <see cref="GuidanceMethod.LabelDropout"/>; checkpointed as "score-cond".</summary>
    public ScoreModelTransformer TrainConditionalScoreModel(IDataView trainView) => TrainScoreModel(trainView, conditional: true);

    ScoreModelTransformer TrainScoreModel(IDataView trainView, bool conditional)
    {
        var scoreOptions = ScoreOptions(settings, conditional);
        scoreOptions.Progress = new ConsoleProgressBar(conditional ? "score-cond" : "score");
        checkpoints.Apply(scoreOptions, conditional ? "score-cond" : "score");
        return Timed(conditional ? "conditional score model" : "score model", () => ml.ScoreMatching().Trainers.ScoreModel(scoreOptions).Fit(trainView));
    }

    /// <summary>The study's score model options (unconditional, or conditioned on "Label" with the label dropout of classifier-free guidance).</summary>
    public static ScoreModelOptions ScoreOptions(RunSettings settings, bool conditional) => new()
    {
        LabelColumnName = conditional ? "Label" : null,
        LabelDropout = GuidanceMethod.LabelDropout,
        Objective = settings.ScoreObjective,
        UNet = settings.UNet,
        Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = 0.01 },   // SigmaMax from the data
        Steps = settings.ScoreSteps,
        BatchSize = settings.BatchSize,
        LearningRate = 5e-4,
        EmaDecay = Math.Clamp(1 - 10.0 / settings.ScoreSteps, 0, 0.999),   // an average over about a tenth of the run
        Seed = settings.Seed,
        Device = settings.Device,
    };

    /// <summary>A guidance classifier trained with <paramref name="loss"/> on the frozen score model.</summary>
    public NoiseConditionalClassifierTransformer TrainClassifier(ScoreModel scoreModel, ClassifierLoss loss, IDataView trainView)
    {
        string name = GuidanceMethod.ClassifierNameOf(loss);
        var options = ClassifierOptions(settings, loss);
        options.Progress = new ConsoleProgressBar(name);
        checkpoints.Apply(options, name);
        return Timed($"{name} classifier", () => ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, options).Fit(trainView));
    }

    /// <summary>The study's options for a guidance classifier trained with <paramref name="loss"/>.</summary>
    public static DlsmClassifierOptions ClassifierOptions(RunSettings settings, ClassifierLoss loss) => new()
    {
        Loss = loss,
        Lambda = settings.Lambda,
        ResNet = settings.ClassifierNetwork,
        Steps = settings.ClassifierSteps,
        BatchSize = settings.BatchSize,
        Seed = settings.Seed,
        Device = settings.Device,
    };

    /// <summary>
    /// The domain judge: a classifier trained on the real images at one small noise level, apart from the guidance classifiers
    /// (so no method is judged by the network that steered it).
    /// </summary>
    public ClassifierFeatureExtractor TrainDomainJudge() =>
        new(Timed("feature classifier", () => FeatureClassifier.Train(train, settings.FeatureClassifierSteps, settings.BatchSize, settings.Seed + 100, settings.Device,
            new Progress<(int Step, float Loss)>(p => { if (p.Step % 500 == 0) Console.WriteLine($"  feature classifier: step {p.Step}, loss {p.Loss:F3}"); }))),
            FeatureClassifier.Sigma);

    /// <summary>What <see cref="Run"/> measured, by phase.</summary>
    public IReadOnlyDictionary<string, double> Timings => timings;

    GenerativeEvaluationOptions Options(IFeatureExtractor judge, RealSetReference? reference, bool cas) => new()
    {
        RealColumnName = "Features", GeneratedColumnName = "Generated", LabelColumnName = "Label",
        FeatureExtractor = judge, RealReference = reference, K = RunSettings.MetricsK, Seed = settings.Seed,
        ComputeCas = cas, Cas = new CasOptions { Seed = settings.Seed },
    };

    /// <summary><paramref name="perClass"/> training images of each class, chosen by <paramref name="seed"/>.</summary>
    LabelledImages RealSubset(int perClass, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).OrderBy(_ => random.Next()).ToArray();
        var chosen = order.GroupBy(i => train.Labels[i]).OrderBy(g => g.Key).SelectMany(g => g.Take(perClass)).ToArray();
        int size = train.Shape.Size;
        var pixels = new float[chosen.Length * size];
        for (int i = 0; i < chosen.Length; i++) Array.Copy(train.Pixels, chosen[i] * size, pixels, i * size, size);
        return new LabelledImages(pixels, chosen.Select(i => train.Labels[i]).ToArray(), train.Shape, train.ClassNames);
    }

    /// <summary>
    /// The denoising trajectory of one sample per class, 8 snapshots from noise to image, as a strip (one row per class). Every
    /// step's state is kept (10 images a step) and 8 evenly spaced ones are picked at the end, since a sampler's step count
    /// depends on its kind and budget.
    /// </summary>
    void Trajectory(Func<SamplerOptions, ConditionalSamplingTransformer> createSampler, GuidanceMethod method)
    {
        var states = new List<float[]>();
        var observed = settings.Sampler.Clone();
        observed.BatchSize = 10;
        observed.StepObserver = (step, x) => states.Add(x.cpu().to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray());
        Timed("trajectory", () =>
        {
            using var traced = createSampler(observed);
            return traced.GenerateForEachClass(ml, 1);
        });
        int size = train.Shape.Size;
        var strip = Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, 8)
            .Select(k => states[k * (states.Count - 1) / 7].AsSpan(c * size, size).ToArray()).ToList()).ToList();
        PngImages.SaveGrid(strip, train.Shape, PixelScaling.ZeroToOne, Path.Combine(folder, $"trajectory-{method.Name}.png"));
    }
}
