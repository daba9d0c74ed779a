using System.Diagnostics;
using Microsoft.ML;
using ScoreML;
using ScoreML.Examples;
using ScoreML.Data;
using ScoreML.Evaluation.Metrics;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace TwoMoons;

/// <summary>Trains the study's networks and measures the five methods.</summary>
internal sealed class Study
{
    /// <summary>Classifier-free guidance's weights w, each a method "cfg_w{w}" of one class-conditional score model.</summary>
    public static readonly double[] ClassifierFreeWeights = { 0, 1, 3 };

    public static readonly string[] Methods =
        new[] { "base", "scaling", "dlsm", "posterior_sm" }.Concat(ClassifierFreeWeights.Select(MethodOf)).Append("oracle").ToArray();

    static string MethodOf(double weight) => "cfg_w" + weight.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    readonly MLContext ml;
    readonly LabelledPoints moons;
    readonly StudySettings settings;
    readonly int seed;
    readonly float[] grid;
    readonly ExampleCheckpoints? checkpoints;

    /// <param name="checkpoints">Where the study's networks checkpoint (and resume from); the timing probes never do.</param>
    public Study(MLContext ml, LabelledPoints moons, StudySettings settings, int seed, ExampleCheckpoints? checkpoints = null)
    {
        this.checkpoints = checkpoints;
        this.ml = ml;
        this.moons = moons;
        this.settings = settings;
        this.seed = seed;
        grid = Grid(settings.GridDensity);
    }

    /// <summary>The 35 x 35 grid over [-40, 40] x [-25, 25] on which D_P and D_L are averaged.</summary>
    public static float[] Grid(int density)
    {
        var values = new float[density * density * 2];
        for (int i = 0, k = 0; i < density; i++)
            for (int j = 0; j < density; j++, k++)
            {
                values[2 * k] = (float)(-StudySettings.GridHalfWidth + 2 * StudySettings.GridHalfWidth * j / (density - 1));
                values[2 * k + 1] = (float)(-StudySettings.GridHalfHeight + 2 * StudySettings.GridHalfHeight * i / (density - 1));
            }
        return values;
    }

    /// <summary>The authors' networks: an x branch 2-256-128-64 and a branch on raw sigma 1-64-32-16 (ReLU), then one linear layer.</summary>
    static MlpOptions Network() => new()
    {
        Layout = NetworkLayout.TwoBranch,
        HiddenSizes = new[] { 256, 128, 64 },
        NoiseBranchSizes = new[] { 64, 32, 16 },
        Activation = Activation.ReLU,
        NoiseEmbedding = NoiseEmbeddingKind.Sigma,
        ScaleOutputBySigma = false,
    };

    /// <param name="label">The progress bar's and checkpoint's name; empty for a timing probe (no bar, no checkpoint).</param>
    /// <param name="steps">Training steps.</param>
    /// <param name="conditional">Condition on the Label column, with label dropout for classifier-free guidance.</param>
    ScoreModelOptions ScoreOptions(string label, int steps, bool conditional = false)
    {
        var options = new ScoreModelOptions
        {
            LabelColumnName = conditional ? "Label" : null,
            LabelDropout = StudySettings.LabelDropout,
            Steps = steps,
            BatchSize = settings.BatchSize,
            LearningRate = StudySettings.ScoreLearningRate,
            EmaDecay = null,
            GradientClipNorm = null,
            WeightingExponent = 2,
            Seed = seed,
            Mlp = Network(),
            Sde = new SdeOptions { Kind = SdeKind.VarianceExploding, SigmaMin = StudySettings.SigmaMin, SigmaMax = StudySettings.SigmaMax },
            Progress = label.Length == 0 ? null : new ConsoleProgressBar(label),
        };
        if (label.Length > 0) checkpoints?.Apply(options, label);
        return options;
    }

    DlsmClassifierOptions ClassifierOptions(string label, ClassifierLoss loss, int steps, Action<int, NoiseConditionalClassifier>? monitor)
    {
        var options = new DlsmClassifierOptions
        {
            Loss = loss,
            Lambda = StudySettings.Lambda,
            Steps = steps,
            BatchSize = settings.BatchSize,
            LearningRate = loss == ClassifierLoss.Dlsm ? StudySettings.DlsmOnlyLearningRate : StudySettings.ClassifierLearningRate,
            GradientClipNorm = null,
            WeightingExponent = 2,
            SoftmaxEpsilon = 1e-8,
            Seed = seed,
            Mlp = Network(),
            Progress = label.Length == 0 ? null : new ConsoleProgressBar(label),
            Monitor = monitor,
            MonitorInterval = settings.MonitorInterval,
        };
        if (label.Length > 0) checkpoints?.Apply(options, label);
        return options;
    }

    /// <summary>Times a few steps of each kind of training and sampling here and scales them up to the whole run.</summary>
    public double EstimateSeconds()
    {
        var data = moons.ToDataView(ml);
        using var score = ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions("", 30)).Fit(data);
        double scoreStep = score.Model.Training!.MedianStepMilliseconds() / 1000;
        // A classifier's step time: the difference between a long and a short run, so set-up costs cancel.
        double ClassifierStep(ClassifierLoss loss)
        {
            var clock = Stopwatch.StartNew();
            using (ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, ClassifierOptions("", loss, 5, null)).Fit(data)) { }
            double shortRun = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, ClassifierOptions("", loss, 25, null)).Fit(data)) { }
            return Math.Max(0, clock.Elapsed.TotalSeconds - shortRun) / 20;
        }
        double ceStep = ClassifierStep(ClassifierLoss.CrossEntropy);
        double dlsmStep = ClassifierStep(ClassifierLoss.DlsmPlusCrossEntropy);
        var clock = Stopwatch.StartNew();
        // Four score models (the two per-class ones on half the data, same batch; the class-conditional one) and three classifiers.
        double training = 4 * settings.ScoreSteps * scoreStep + settings.ClassifierSteps * (ceStep + 2 * dlsmStep);
        // Sampling: two score evaluations per sampler step (predictor and corrector) for each class; the three guided methods pay
        // for the classifier's gradient, the oracle for a pass over the class's points.
        int n = Math.Min(settings.SamplesPerClass, 1000);
        using var probeScope = NewDisposeScope();
        var x = randn(n, 2) * 10;
        var sigma = full(n, 1f);
        var y = zeros(n, dtype: ScalarType.Int64);
        using var dlsmProbe = ml.ScoreMatching().Trainers.DlsmClassifier(score.Model, ClassifierOptions("", ClassifierLoss.CrossEntropy, 1, null)).Fit(data);
        var guidance = ConditionalScoreEstimate.FromGuidance(score.Model, dlsmProbe.Classifier);
        using var oracle = new ParzenOracle(moons.Features, 2, moons.Labels, singlePrecision: true);
        guidance.Posterior(x, sigma, y);   // warm-up
        oracle.PosteriorScore(x, sigma, y);
        clock.Restart();
        guidance.Posterior(x, sigma, y);
        double guidedEval = clock.Elapsed.TotalSeconds * settings.SamplesPerClass / n;
        clock.Restart();
        oracle.PosteriorScore(x, sigma, y);
        double oracleEval = clock.Elapsed.TotalSeconds * settings.SamplesPerClass / n;
        // Classifier-free guidance's three weights cost about a guided evaluation each (two network passes, no backward pass).
        double sampling = 2 * 2 * settings.SamplerSteps * ((4 + ClassifierFreeWeights.Length) * guidedEval + oracleEval);
        return training + sampling;
    }

    public static string Describe(double seconds) =>
        seconds < 90 ? $"{seconds:F0} s" : seconds < 5400 ? $"{seconds / 60:F0} min" : $"{seconds / 3600:F1} h";

    public TrainedModels Train()
    {
        var data = moons.ToDataView(ml);
        var scoreModel = ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions("score", settings.ScoreSteps)).Fit(data);
        var perClass = new ScoreModelTransformer[2];
        for (int c = 0; c < 2; c++)
        {
            int cls = c;
            int[] rows = Enumerable.Range(0, moons.Count).Where(i => moons.Labels[i] == cls).ToArray();
            var subset = new LabelledPoints(rows.SelectMany(moons.Row).ToArray(), 2, new int[rows.Length], 2);
            perClass[c] = ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions($"score c{c}", settings.ScoreSteps)).Fit(subset.ToDataView(ml));
        }
        // One network for classifier-free guidance: the score conditioned on the class, and (label dropout) the unconditional score.
        var conditional = ml.ScoreMatching().Trainers.ScoreModel(ScoreOptions("score cond", settings.ScoreSteps, conditional: true)).Fit(data);

        using var oracle = new ParzenOracle(moons.Features, 2, moons.Labels);
        var curves = new Dictionary<string, TrainingCurve>();
        NoiseConditionalClassifierTransformer TrainClassifier(string key, ClassifierLoss loss)
        {
            var curve = curves[key] = new TrainingCurve();
            var evaluation = new CrossEntropyProbe(moons, scoreModel.Model.Sde, seed);
            void Monitor(int step, NoiseConditionalClassifier classifier)
            {
                var (dp, dl) = ScoreErrors.Measure(ConditionalScoreEstimate.FromGuidance(scoreModel.Model, classifier), oracle, grid, StudySettings.EvaluationSigma);
                curve.Add(step, dp, dl, evaluation.Measure(classifier));
            }
            return ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel.Model, ClassifierOptions(key, loss, settings.ClassifierSteps, Monitor)).Fit(data);
        }
        var ce = TrainClassifier("ce", ClassifierLoss.CrossEntropy);
        var dlsmOnly = TrainClassifier("dlsm", ClassifierLoss.Dlsm);
        var dlsm = TrainClassifier("dlsm_ce", ClassifierLoss.DlsmPlusCrossEntropy);
        return new TrainedModels(scoreModel, perClass, conditional, ce, dlsmOnly, dlsm, curves);
    }

    /// <summary>The study's class-conditional sampler: PC with a Langevin corrector (snr 0.16), guidance scale alpha.</summary>
    public ConditionalSamplerOptions Sampling(double alpha, double? classifierFreeWeight = null, int? steps = null) => new()
    {
        GuidanceScale = alpha,
        ClassifierFreeGuidanceWeight = classifierFreeWeight,
        Sampler = new SamplerOptions { Kind = SamplerKind.PredictorCorrector, Steps = steps ?? settings.SamplerSteps, Snr = 0.16, BatchSize = settings.SamplesPerClass, Seed = seed },
    };

    /// <summary>
    /// What CFG costs beside DLSM here (<see cref="RoundRobinCosts"/>): training steps of the unconditional and the conditional score
    /// models and of the DLSM + CE classifier, timed on short runs of the study's own settings, and sampler steps of the DLSM and
    /// CFG samplers (w = 0 and w = 1) on the same requests, 20 PC steps each.
    /// </summary>
    public Costs MeasureCosts(TrainedModels trained)
    {
        var data = moons.ToDataView(ml);
        double StepMilliseconds(string kind)
        {
            if (kind == "dlsm_ce")
            {
                var clock = new RoundRobinCosts.StepClock<ClassifierTrainingProgress>();
                var options = ClassifierOptions("", ClassifierLoss.DlsmPlusCrossEntropy, RoundRobinCosts.TimedRunSteps, null);
                (options.Progress, options.ProgressInterval) = (clock, 1);
                using (ml.ScoreMatching().Trainers.DlsmClassifier(trained.ScoreModel, options).Fit(data)) { }
                return clock.MedianStepMilliseconds;
            }
            else
            {
                var clock = new RoundRobinCosts.StepClock<TrainingProgress>();
                var options = ScoreOptions("", RoundRobinCosts.TimedRunSteps, conditional: kind == "conditional");
                (options.Progress, options.ProgressInterval) = (clock, 1);
                using (ml.ScoreMatching().Trainers.ScoreModel(options).Fit(data)) { }
                return clock.MedianStepMilliseconds;
            }
        }
        var training = RoundRobinCosts.Training(new[] { "score", "conditional", "dlsm_ce" }, StepMilliseconds);

        const int probeSteps = 20;
        int perClass = Math.Min(settings.SamplesPerClass, 1000);
        int[] classes = Enumerable.Range(0, 2).SelectMany(c => Enumerable.Repeat(c, perClass)).ToArray();
        using var dlsm = trained.Dlsm.CreateSampler(Sampling(1, steps: probeSteps));
        using var cfg0 = trained.Conditional.CreateSampler(Sampling(1, 0, probeSteps));
        using var cfg1 = trained.Conditional.CreateSampler(Sampling(1, 1, probeSteps));
        var sampling = RoundRobinCosts.Sampling(new Dictionary<string, ConditionalSamplingTransformer> { ["dlsm"] = dlsm, ["cfg_w0"] = cfg0, ["cfg_w1"] = cfg1 },
            classes, probeSteps);
        var costs = new Costs(training, sampling, settings.ScoreSteps, settings.ClassifierSteps, classes.Length);
        Console.WriteLine($"  training: conditional model {costs.ConditionalSeconds:F0} s against score model + DLSM + CE classifier {costs.ScorePlusClassifierSeconds:F0} s " +
                          $"(ratio {costs.TrainingRatio:F2}); sampling step on {classes.Length} rows: CFG w = 1 {sampling["cfg_w1"].Median:F1} ms, " +
                          $"w = 0 {sampling["cfg_w0"].Median:F1} ms, DLSM {sampling["dlsm"].Median:F1} ms (CFG/DLSM {costs.SamplingRatio:F2})");
        return costs;
    }

    /// <summary>Each method's conditional score estimate (what D_P and D_L measure), in the table's order, the oracle's last.</summary>
    public Dictionary<string, ConditionalScoreEstimate> Estimates(TrainedModels trained, ParzenOracle oracle)
    {
        var scoreModel = trained.ScoreModel.Model;
        var estimates = new Dictionary<string, ConditionalScoreEstimate>
        {
            ["base"] = ConditionalScoreEstimate.FromGuidance(scoreModel, trained.CrossEntropy.Classifier),
            ["scaling"] = ConditionalScoreEstimate.FromGuidance(scoreModel, trained.CrossEntropy.Classifier, StudySettings.ScalingAlpha),
            ["dlsm"] = ConditionalScoreEstimate.FromGuidance(scoreModel, trained.Dlsm.Classifier),
            ["posterior_sm"] = ConditionalScoreEstimate.FromPerClassModels(trained.PerClass.Select(p => p.Model).ToArray(), scoreModel),
        };
        foreach (double w in ClassifierFreeWeights) estimates[MethodOf(w)] = ConditionalScoreEstimate.FromClassifierFree(trained.Conditional.Model, w);
        estimates["oracle"] = ConditionalScoreEstimate.FromOracle(oracle);
        return estimates;
    }

    /// <summary>D_P and D_L (class 0, class 1) of every method at the evaluation sigma, on the grid; nothing is sampled.</summary>
    public Dictionary<string, (double[] PosteriorError, double[] LikelihoodError)> ScoreErrorsOf(TrainedModels trained)
    {
        using var oracle = new ParzenOracle(moons.Features, 2, moons.Labels);
        return Estimates(trained, oracle).ToDictionary(p => p.Key, p => ScoreErrors.Measure(p.Value, oracle, grid, StudySettings.EvaluationSigma));
    }

    public Dictionary<string, MethodResult> Evaluate(TrainedModels trained)
    {
        using var oracle = new ParzenOracle(moons.Features, 2, moons.Labels);
        // Sampling from the oracle evaluates it 4 * SamplerSteps times on every sample: single precision halves that time.
        using var samplingOracle = new ParzenOracle(moons.Features, 2, moons.Labels, singlePrecision: true);
        var scoreModel = trained.ScoreModel.Model;
        var perClassModels = trained.PerClass.Select(p => p.Model).ToArray();
        var sampler = Sampling(1);
        var labels = new LabelKeys(2);
        var samplers = new Dictionary<string, ConditionalSamplingTransformer>
        {
            ["base"] = trained.CrossEntropy.CreateSampler(Sampling(1)),
            ["scaling"] = trained.CrossEntropy.CreateSampler(Sampling(StudySettings.ScalingAlpha)),
            ["dlsm"] = trained.Dlsm.CreateSampler(Sampling(1)),
            ["posterior_sm"] = new ConditionalSamplingTransformer(PerClassScoreModels.AsConditionalScore(perClassModels), scoreModel.Sde, 2, labels, scoreModel.Device, sampler),
        };
        foreach (double w in ClassifierFreeWeights) samplers[MethodOf(w)] = trained.Conditional.CreateSampler(Sampling(1, w));
        samplers["oracle"] = new ConditionalSamplingTransformer(samplingOracle.AsConditionalScoreFunction(scoreModel.Sde), scoreModel.Sde, 2, labels, scoreModel.Device, sampler);
        var methods = Estimates(trained, oracle).ToDictionary(p => p.Key, p => (Estimate: p.Value, Sampler: samplers[p.Key]));

        var realClean = new float[2][];
        var realNoisy = new float[2][];
        var random = new Random(seed + 7);
        for (int c = 0; c < 2; c++)
        {
            int cls = c;
            realClean[c] = Enumerable.Range(0, moons.Count).Where(i => moons.Labels[i] == cls).SelectMany(moons.Row).ToArray();
            // The toy code's reference set: the class's points plus N(0, 7.5^2) noise.
            realNoisy[c] = realClean[c].Select(v => (float)(v + StudySettings.EvaluationSigma * Gaussian(random))).ToArray();
        }

        var results = new Dictionary<string, MethodResult>();
        int[] classes = Enumerable.Range(0, 2).SelectMany(c => Enumerable.Repeat(c, settings.SamplesPerClass)).ToArray();
        foreach (var (name, (estimate, conditionalSampler)) in methods)
        {
            var clock = Stopwatch.StartNew();
            var (dp, dl) = ScoreErrors.Measure(estimate, oracle, grid, StudySettings.EvaluationSigma);
            float[] samples = conditionalSampler.Generate(classes);
            var result = new MethodResult(name, dp, dl, new double[2], new double[2], new double[2], new double[2], new float[2][], Field(estimate));
            for (int c = 0; c < 2; c++)
            {
                result.Samples[c] = samples.AsSpan(c * settings.SamplesPerClass * 2, settings.SamplesPerClass * 2).ToArray();
                var generated = new FeatureMatrix(result.Samples[c], 2, "generated");
                var noisy = PrecisionRecallDensityCoverage.Compute(real: new FeatureMatrix(realNoisy[c], 2, "real"), generated, StudySettings.NearestK);
                var clean = PrecisionRecallDensityCoverage.Compute(real: new FeatureMatrix(realClean[c], 2, "real"), generated, StudySettings.NearestK);
                (result.Precision[c], result.Recall[c]) = (noisy.Precision, noisy.Recall);
                (result.PrecisionClean[c], result.RecallClean[c]) = (clean.Precision, clean.Recall);
            }
            results[name] = result;
            Console.WriteLine($"  {name,-13} D_P {dp[0]:F3}|{dp[1]:F3}  D_L {dl[0]:F3}|{dl[1]:F3}  P {result.Precision[0]:F2}|{result.Precision[1]:F2}  " +
                              $"R {result.Recall[0]:F2}|{result.Recall[1]:F2}  ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        return results;
    }

    /// <summary>The coarse grid on which the figure draws the score fields.</summary>
    public static float[] FieldGrid { get; } = Grid(15);

    // The posterior score of each class at sigma = 7.5 on the figure's grid.
    static float[][] Field(ConditionalScoreEstimate estimate)
    {
        using var scope = NewDisposeScope();
        int n = FieldGrid.Length / 2;
        var x = tensor(FieldGrid, new long[] { n, 2 });
        var sigma = full(n, (float)StudySettings.EvaluationSigma);
        return Enumerable.Range(0, 2)
            .Select(c => estimate.Posterior(x, sigma, full(n, c, dtype: ScalarType.Int64)).to(ScalarType.Float32).cpu().data<float>().ToArray())
            .ToArray();
    }

    static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>Everything <see cref="Study.Train"/> fits.</summary>
internal sealed record TrainedModels(ScoreModelTransformer ScoreModel, ScoreModelTransformer[] PerClass, ScoreModelTransformer Conditional,
    NoiseConditionalClassifierTransformer CrossEntropy, NoiseConditionalClassifierTransformer DlsmOnly, NoiseConditionalClassifierTransformer Dlsm,
    Dictionary<string, TrainingCurve> Curves) : IDisposable
{
    public void Dispose()
    {
        Conditional.Dispose();
        CrossEntropy.Dispose();
        DlsmOnly.Dispose();
        Dlsm.Dispose();
        foreach (var model in PerClass) model.Dispose();
        ScoreModel.Dispose();
    }
}

/// <summary>One method's measurements, class 0 and class 1.</summary>
internal sealed record MethodResult(string Name, double[] PosteriorError, double[] LikelihoodError, double[] Precision, double[] Recall,
    double[] PrecisionClean, double[] RecallClean, float[][] Samples, float[][] Field);

/// <summary>The cost of classifier-free guidance beside DLSM in one run: per-step times and what they make of the study's whole training.</summary>
internal sealed record Costs(Dictionary<string, RoundRobinCosts.StepCost> TrainingMilliseconds, Dictionary<string, RoundRobinCosts.StepCost> SamplingMilliseconds,
    int ScoreSteps, int ClassifierSteps, int SamplingRows)
{
    public double ConditionalSeconds => ScoreSteps * TrainingMilliseconds["conditional"].Median / 1000;
    public double ScorePlusClassifierSeconds => (ScoreSteps * TrainingMilliseconds["score"].Median + ClassifierSteps * TrainingMilliseconds["dlsm_ce"].Median) / 1000;
    /// <summary>CFG's training time over DLSM's (its score model and its classifier).</summary>
    public double TrainingRatio => ConditionalSeconds / ScorePlusClassifierSeconds;
    /// <summary>A CFG (w &gt; 0) sampler step's time over a DLSM-guided one's.</summary>
    public double SamplingRatio => SamplingMilliseconds["cfg_w1"].Median / SamplingMilliseconds["dlsm"].Median;
}
