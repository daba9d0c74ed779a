using ScoreML;
using ScoreML.Examples;
using System.Globalization;
using ScoreML.Networks;

namespace FashionMnist;

/// <summary>
/// How big a run is. The default is sized to finish in about an hour on a 2-core CPU, --quick in a few minutes; every
/// number can be overridden on the command line. The papers train far larger networks for far longer on GPUs: these runs show the
/// methods' ordering on a CPU budget, not the paper's numbers.
/// </summary>
internal sealed record RunSettings
{
    public string ObjectiveName { get; init; } = "dsm";
    public int ScoreSteps { get; init; } = 5000;        // 3,000 until the evaluator stopped re-extracting the test set; the time saved went here
    public int ClassifierSteps { get; init; } = 1000;
    public int FeatureClassifierSteps { get; init; } = 1500;
    public int BatchSize { get; init; } = 64;
    public int SamplesPerClass { get; init; } = 200;    // 2,000 images per method: judging them (CAS, ResNet-18) costs more than drawing them
    public int SamplerSteps { get; init; } = 200;
    public string SamplerName { get; init; } = "ddim";     // pc (predictor only), ddim, heun, dpm2m, dpm3s or ode (adaptive RK45)
    public int? SamplerEvaluations { get; init; } = 20;     // a budget of network evaluations for the fast samplers (then SamplerSteps is unused)
    public double SamplerEta { get; init; } = 1;            // DDIM's eta: 0 deterministic, 1 ancestral (DDPM-like) steps
    public double SamplerChurn { get; init; }              // Heun's S_churn (EDM): 0 deterministic
    public int RealTestImages { get; init; } = 10_000;
    public int UNetChannels { get; init; } = 16;
    public int[] UNetMultipliers { get; init; } = { 1, 2, 2 };
    public int UNetBlocks { get; init; } = 1;
    public int[] UNetAttention { get; init; } = Array.Empty<int>();   // feature-map sizes with self-attention
    public bool UNetMiddleAttention { get; init; } = true;
    public int ClassifierChannels { get; init; } = 16;
    public int[] ClassifierBlocks { get; init; } = { 1, 1, 1 };
    public string? Device { get; init; }                             // null: the CPU (or MLContext's GPU settings)
    public GuidanceMethod[] Methods { get; init; } = GuidanceMethod.All;   // --methods base,scaling-10,...
    public double Lambda { get; init; } = 1;         // DLSM + lambda CE (the paper's CIFAR setting)
    public int Seed { get; init; } = 1;
    public int Seeds { get; init; } = 1;              // --seeds N: the whole study (training included) with seeds Seed .. Seed + N - 1
    public bool SamplerStudy { get; init; }           // --samplers: the quality-against-NFE study instead of the methods' table
    public bool CostStudy { get; init; }              // --costs: the methods' training and sampling costs, measured round-robin, instead

    public static RunSettings Quick => new()
    {
        ScoreSteps = 300, ClassifierSteps = 150, FeatureClassifierSteps = 300, SamplesPerClass = 20, SamplerSteps = 100,
        RealTestImages = 1000, UNetMiddleAttention = false,
    };

    /// <summary>
    /// Settings near the papers' for a GPU (--full): an NCSN++-sized U-Net (128 channels, 1-2-2, two residual blocks per
    /// level, attention at 14x14), the DLSM paper's ResNet-18 classifier at full width (64 channels, 2-2-2-2), 1,000 samples
    /// per class and 1,000 predictor steps, evaluated against all 10,000 test images. Far beyond a CPU session.
    /// </summary>
    public static RunSettings Full => new()
    {
        ScoreSteps = 100_000, ClassifierSteps = 20_000, FeatureClassifierSteps = 5000, BatchSize = 128, SamplesPerClass = 1000,
        SamplerName = "pc", SamplerEvaluations = null, SamplerEta = 0, SamplerSteps = 1000, UNetChannels = 128, UNetBlocks = 2, UNetAttention = new[] { 14 }, ClassifierChannels = 64,
        ClassifierBlocks = new[] { 2, 2, 2, 2 },
    };

    /// <summary>Images per class of each run in the sampler study (--samplers) unless --samples-per-class says otherwise.</summary>
    public const int SamplerStudyImagesPerClass = 50;

    /// <summary>The k of the k-nearest-neighbour metrics (precision, recall, density, coverage).</summary>
    public const int MetricsK = 3;

    /// <summary>The preset (--quick, --full or the default) with every option the command line gives.</summary>
    public static RunSettings FromCommandLine(CommandLine commandLine)
    {
        if (commandLine.Has("--quick") && commandLine.Has("--full")) throw new ArgumentException("Give --quick or --full, not both.");
        var preset = commandLine.Has("--quick") ? Quick : commandLine.Has("--full") ? Full : new RunSettings();
        int Int(string name, int fallback)
        {
            if (commandLine.Value(name) is not string text) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
                throw new ArgumentException($"{name} needs a non-negative whole number, not '{text}'.");
            return value;
        }
        double Double(string name, double fallback, double low, double high)
        {
            if (commandLine.Value(name) is not string text) return fallback;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= low && value <= high))
                throw new ArgumentException($"{name} needs a number in [{low.ToString(CultureInfo.InvariantCulture)}, " +
                    $"{(high == double.MaxValue ? "infinity)" : high.ToString(CultureInfo.InvariantCulture) + "]")}, not '{text}'.");
            return value;
        }
        int[] Ints(string name, int[] fallback)
        {
            if (commandLine.Value(name) is not string text) return fallback;
            var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var values = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
                    throw new ArgumentException($"{name} needs positive whole numbers separated by commas, not '{text}'.");
            return values;
        }
        var settings = preset with
        {
            ObjectiveName = commandLine.Value("--objective") ?? preset.ObjectiveName,
            ScoreSteps = Int("--score-steps", preset.ScoreSteps),
            ClassifierSteps = Int("--classifier-steps", preset.ClassifierSteps),
            FeatureClassifierSteps = Int("--feature-classifier-steps", preset.FeatureClassifierSteps),
            BatchSize = Int("--batch-size", preset.BatchSize),
            SamplesPerClass = Int("--samples-per-class", preset.SamplesPerClass),
            SamplerSteps = Int("--sampler-steps", preset.SamplerSteps),
            SamplerName = commandLine.Value("--sampler") ?? preset.SamplerName,
            SamplerEvaluations = commandLine.Value("--sampler-evaluations") is null ? preset.SamplerEvaluations : Int("--sampler-evaluations", 0),
            SamplerEta = Double("--sampler-eta", preset.SamplerEta, 0, 1),
            SamplerChurn = Double("--sampler-churn", preset.SamplerChurn, 0, double.MaxValue),
            RealTestImages = Int("--test-images", preset.RealTestImages),
            UNetChannels = Int("--unet-channels", preset.UNetChannels),
            UNetMultipliers = Ints("--unet-multipliers", preset.UNetMultipliers),
            UNetBlocks = Int("--unet-blocks", preset.UNetBlocks),
            UNetAttention = commandLine.Value("--unet-attention") is "none" ? Array.Empty<int>() : Ints("--unet-attention", preset.UNetAttention),
            ClassifierChannels = Int("--classifier-channels", preset.ClassifierChannels),
            ClassifierBlocks = Ints("--classifier-blocks", preset.ClassifierBlocks),
            Device = commandLine.Value("--device") ?? preset.Device,
            Seed = Int("--seed", preset.Seed),
            Seeds = Int("--seeds", preset.Seeds),
            Methods = GuidanceMethod.Parse(commandLine.Value("--methods")),
            SamplerStudy = commandLine.Has("--samplers"),
            CostStudy = commandLine.Has("--costs"),
        };
        if (settings.SamplerStudy && settings.CostStudy) throw new ArgumentException("Give --samplers or --costs, not both.");
        if (settings.CostStudy && (commandLine.Has("--seeds") || commandLine.Has("--methods") || commandLine.Has("--resume")))
            throw new ArgumentException("--costs times every method's networks and sampler on short-trained networks with one seed; leave out --seeds, --methods and --resume.");
        if (settings.CostStudy && settings.SamplerName == "ode")
            throw new ArgumentException("--costs times the samplers at a fixed budget; the adaptive ODE's steps depend on the trained network. Give another --sampler.");
        // The study's images per class stay at the old default unless asked: its PC reference alone (2,000 evaluations an
        // image) took half an hour for 500 images on the 2-core Intel Xeon, so 500 per class would take five.
        if (settings.SamplerStudy && commandLine.Value("--samples-per-class") is null)
            settings = settings with { SamplesPerClass = Math.Min(settings.SamplesPerClass, SamplerStudyImagesPerClass) };
        string[] samplerOptions = { "--sampler", "--sampler-evaluations", "--sampler-steps", "--sampler-eta", "--sampler-churn" };
        if (settings.SamplerStudy && samplerOptions.Any(commandLine.Has))
            throw new ArgumentException($"--samplers runs every sampler at its own budgets and settings; leave out {string.Join(", ", samplerOptions)}.");
        if (settings.Seeds < 1) throw new ArgumentException($"--seeds must be at least 1; it is {settings.Seeds}.");
        if (settings.SamplerStudy && (commandLine.Has("--seeds") || commandLine.Has("--methods")))
            throw new ArgumentException("--samplers studies DLSM + CE guidance with one seed; leave out --seeds and --methods.");
        if (commandLine.Has("--sampler-eta") && settings.SamplerName != "ddim")
            throw new ArgumentException($"--sampler-eta is DDIM's; it does nothing for --sampler {settings.SamplerName}.");
        if (commandLine.Has("--sampler-churn") && settings.SamplerName != "heun")
            throw new ArgumentException($"--sampler-churn is Heun's; it does nothing for --sampler {settings.SamplerName}.");
        _ = settings.ScoreObjective;   // refuses an unknown --objective before any work
        settings.Sampler.Validate();   // and an unknown --sampler or a bad budget
        settings.UNet.Validate();      // and a network shape that cannot be built
        settings.ClassifierNetwork.Validate();
        // The class-wise metrics need k + 1 samples of each class on both sides; refused now rather than after the training.
        if (settings.SamplesPerClass < MetricsK + 1)
            throw new ArgumentException($"--samples-per-class must be at least {MetricsK + 1} (k + 1 for the class-wise metrics with k = {MetricsK}); it is {settings.SamplesPerClass}.");
        if (settings.RealTestImages < 10 * (MetricsK + 1))
            throw new ArgumentException($"--test-images must be at least {10 * (MetricsK + 1)} (k + 1 of each of the 10 classes); it is {settings.RealTestImages}.");
        return settings;
    }

    public Objective ScoreObjective => ObjectiveName switch
    {
        "dsm" => Objective.Dsm,
        "lcss" => Objective.Lcss,
        _ => throw new ArgumentException($"--objective must be dsm or lcss, not '{ObjectiveName}'."),
    };

    /// <summary>The sampler every method samples with: a fast sampler over a budget of SamplerEvaluations network evaluations
    /// (or SamplerSteps steps when unset; by default DDIM with eta = 1 at 20, which the sampler study found best of those that
    /// fit the hour), the adaptive ODE, or the PC sampler's reverse-diffusion predictor alone (half the network evaluations of
    /// predictor + corrector) over SamplerSteps.</summary>
    public SamplerOptions Sampler
    {
        get
        {
            var kind = SamplerName switch
            {
                "pc" => SamplerKind.PredictorCorrector,
                "ddim" => SamplerKind.Ddim,
                "heun" => SamplerKind.Heun,
                "dpm2m" => SamplerKind.DpmSolver2M,
                "dpm3s" => SamplerKind.DpmSolver3S,
                "ode" => SamplerKind.AdaptiveOde,
                _ => throw new ArgumentException($"--sampler must be pc, ddim, heun, dpm2m, dpm3s or ode, not '{SamplerName}'."),
            };
            if (SamplerEvaluations is int budget && budget < 1)
                throw new ArgumentException($"--sampler-evaluations must be at least 1; it is {budget}.");
            return new SamplerOptions
            {
                Kind = kind, Corrector = CorrectorKind.None, Steps = SamplerSteps, Evaluations = kind == SamplerKind.AdaptiveOde ? null : SamplerEvaluations,
                Eta = kind == SamplerKind.Ddim ? SamplerEta : 0, Churn = kind == SamplerKind.Heun ? SamplerChurn : 0,
                BatchSize = 250, Seed = Seed,
            };
        }
    }

    public UNetOptions UNet => new()
    {
        BaseChannels = UNetChannels, ChannelMultipliers = UNetMultipliers, ResidualBlocksPerLevel = UNetBlocks,
        AttentionResolutions = UNetAttention, MiddleAttention = UNetMiddleAttention,
    };

    /// <summary>The guidance classifiers' ResNet; by default 16-32-64 channels, one basic block per stage.</summary>
    public ResNetOptions ClassifierNetwork => new() { BaseChannels = ClassifierChannels, BlocksPerStage = ClassifierBlocks };

    /// <summary>
    /// A rough time estimate from per-unit costs measured on a 2-core Intel Xeon (family 6, model 207) in two default runs at
    /// 200 images per class: a U-Net training step at batch 64 (16 channels) 0.19-0.20 s, a CE classifier step 0.036 s, a DLSM
    /// or DLSM + CE step 0.18 s, a feature-classifier step 0.063 s, a guided network evaluation 1.5 ms per image, judging a set
    /// by ResNet-18 with CAS 46 ms per image and by the domain classifier 1.6 ms per image, the ResNet-18 reference 21 ms per
    /// test image. An AMD EPYC of family 25 took 1.5 to 2.5 times as long for the training and sampling steps.
    /// </summary>
    public TimeSpan Estimate()
    {
        // Network costs grow with the square of the width and with the depth; the measured costs are for the defaults.
        double unet = UNetCost / new RunSettings().UNetCost, resnet = ClassifierCost / new RunSettings().ClassifierCost;
        double batch = BatchSize / 64.0;
        var losses = Methods.Where(m => m.Loss is not null).Select(m => m.Loss!.Value).Distinct().ToArray();
        double classifiers = losses.Sum(loss => loss == ClassifierLoss.CrossEntropy ? 0.036 * resnet : 0.036 * resnet + 0.145 * unet);
        // Classifier-free guidance: a second U-Net of the same size, and two U-Net passes a step when w > 0 (no classifier).
        int scoreModels = Methods.Any(m => m.IsClassifierFree) ? 2 : 1;
        double samplingPasses = Methods.Sum(m => (m.ClassifierFreeWeight is double w && w > 0 ? 2.0 : 1.0) * m.BudgetShare);
        int images = 10 * SamplesPerClass, sets = Methods.Length + 1;   // the methods' sets and the real floor
        double perSeed = scoreModels * ScoreSteps * 0.20 * unet * batch + ClassifierSteps * classifiers * batch + FeatureClassifierSteps * 0.063 * batch
            + samplingPasses * images * EvaluationsPerSample * 0.0015 * unet
            + sets * images * (0.046 + 0.0016) + 45;
        return TimeSpan.FromSeconds(Seeds * perSeed + RealTestImages * 0.021 + 20);
    }

    /// <summary>
    /// Guided network evaluations per image: the budget, or the steps (Heun: two evaluations a step but the last); the adaptive
    /// ODE's count depends on the model, and 100 stands in for it.
    /// </summary>
    double EvaluationsPerSample => SamplerName switch
    {
        "ode" => 100,
        "pc" => SamplerSteps,
        _ => SamplerEvaluations ?? (SamplerName == "heun" ? 2 * SamplerSteps - 1 : SamplerSteps),
    };

    /// <summary>"DDIM (eta 1) at 20 network evaluations", "PC (predictor only) over 200 steps".</summary>
    public string SamplerDescription => SamplerName switch
    {
        "pc" => $"PC (predictor only) over {SamplerSteps} steps",
        "ode" => "the adaptive ODE",
        _ => $"{SamplerName}{(SamplerName == "ddim" ? $" (eta {SamplerEta.ToString(CultureInfo.InvariantCulture)})" : SamplerName == "heun" && SamplerChurn > 0 ? $" (churn {SamplerChurn.ToString(CultureInfo.InvariantCulture)})" : "")}" +
             (SamplerEvaluations is int budget ? $" at {budget} network evaluations" : $" over {SamplerSteps} steps"),
    };

    double UNetCost => (double)UNetChannels * UNetChannels * UNetMultipliers.Sum(m => m * m) * (2 * UNetBlocks + 1);

    // Each stage doubles the channels and halves the resolution, so every basic block costs about the same.
    double ClassifierCost => (double)ClassifierChannels * ClassifierChannels * ClassifierBlocks.Sum();
}
