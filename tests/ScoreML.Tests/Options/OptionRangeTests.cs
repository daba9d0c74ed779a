using System.Globalization;
using System.Reflection;
using ScoreML.Images;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Options;

/// <summary>
/// Every public options class of ScoreML refuses every bad numeric value in its Validate method, naming the option: each
/// settable numeric property (double, float, int, long, their nullable forms, int[] lists and enums, also those of nested
/// options objects) is set in turn to NaN, the infinities, 0, -1 and a huge value, and Validate must either accept it, where
/// the allow-list below says the value is legal, or throw an ArgumentException whose message names the property with its
/// parent's prefix (e.g. "Sampler.Snr") and whose ParamName is the property.
/// </summary>
[TestClass]
public sealed class OptionRangeTests
{
    /// <summary>The options classes: every public class named *Options in a ScoreML assembly, so a new one is walked too.</summary>
    static IEnumerable<Type> OptionsTypes() =>
        new[] { typeof(SdeOptions), typeof(SamplerOptions), typeof(ScoreModelOptions), typeof(GenerativeEvaluationOptions), typeof(PixelScaling) }
            .Select(t => t.Assembly)
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.Name.EndsWith("Options", StringComparison.Ordinal));

    public static IEnumerable<object[]> OptionsClasses() =>
        OptionsTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).Select(name => new object[] { name });

    /// <summary>How each options class names its options in messages: nested classes carry the prefix of their place in the parent
    /// ("Sampler.Snr" in ScoreModelOptions and ConditionalSamplerOptions); the trainers' options name theirs bare.</summary>
    static readonly Dictionary<string, string> MessagePrefix = new()
    {
        [nameof(SamplerOptions)] = "Sampler.",
        [nameof(SdeOptions)] = "Sde.",
        [nameof(MlpOptions)] = "Mlp.",
        [nameof(UNetOptions)] = "UNet.",
        [nameof(ResNetOptions)] = "ResNet.",
        ["CasOptions"] = "CasOptions.",
        ["LikelihoodOptions"] = "LikelihoodOptions.",
        [nameof(GenerativeEvaluationOptions)] = "GenerativeEvaluationOptions.",
        [nameof(OnnxFeatureExtractorOptions)] = "OnnxFeatureExtractorOptions.",
    };

    /// <summary>Options whose defaults are placeholders the user must fill in: set to something valid before the walk.</summary>
    static readonly Dictionary<string, Action<object>> ValidBaseline = new()
    {
        [nameof(OnnxFeatureExtractorOptions)] = o => { ((OnnxFeatureExtractorOptions)o).Height = 8; ((OnnxFeatureExtractorOptions)o).Width = 8; },
    };

    const int Huge = int.MaxValue;
    static readonly object[] AnySeed = { 0, -1, Huge, int.MinValue };

    /// <summary>The values of the walk that are legal, by the property's declaring class and name.</summary>
    static readonly Dictionary<(string Class, string Property), object[]> Legal = new()
    {
        // A seed is any int.
        [(nameof(SamplerOptions), nameof(SamplerOptions.Seed))] = AnySeed,
        // The trainers' shared options are declared once, in TrainingOptions.
        [(nameof(TrainingOptions), nameof(TrainingOptions.Seed))] = AnySeed,
        [("CasOptions", "Seed")] = AnySeed,
        [("LikelihoodOptions", "Seed")] = AnySeed,
        [(nameof(GenerativeEvaluationOptions), nameof(GenerativeEvaluationOptions.Seed))] = AnySeed,
        // A KID subset larger than the sets takes every row, as clean-fid does.
        [(nameof(GenerativeEvaluationOptions), nameof(GenerativeEvaluationOptions.KidSubsetSize))] = new object[] { Huge },
        // Batch sizes are capped at the rows there are (a sampler's batch at the rows requested), so a huge one needs no memory.
        [(nameof(SamplerOptions), nameof(SamplerOptions.BatchSize))] = new object[] { Huge },
        [(nameof(TrainingOptions), nameof(TrainingOptions.BatchSize))] = new object[] { Huge },
        [("CasOptions", "BatchSize")] = new object[] { Huge },
        // A memory budget of long.MaxValue bytes means "no limit": the metrics then allocate what they need.
        [(nameof(GenerativeEvaluationOptions), nameof(GenerativeEvaluationOptions.MemoryBudgetBytes))] = new object[] { long.MaxValue },
        [("LikelihoodOptions", "BatchSize")] = new object[] { Huge },
        // 0 resamples: no intervals.
        [(nameof(GenerativeEvaluationOptions), nameof(GenerativeEvaluationOptions.IntervalResamples))] = new object[] { 0 },
        // The fast samplers: eta 0 is deterministic DDIM; churn 0 is EDM's deterministic sampler and a huge one its largest
        // (gamma is capped at sqrt 2 - 1); churn limits of 0 or beyond every noise level only restrict where churn applies.
        [(nameof(SamplerOptions), nameof(SamplerOptions.Eta))] = new object[] { 0.0 },
        [(nameof(SamplerOptions), nameof(SamplerOptions.Churn))] = new object[] { 0.0, 1e300 },
        [(nameof(SamplerOptions), nameof(SamplerOptions.ChurnMinSigma))] = new object[] { 0.0, 1e300 },
        [(nameof(SamplerOptions), nameof(SamplerOptions.ChurnMaxSigma))] = new object[] { 0.0, 1e300 },
        // 0 corrector steps: predictor-only sampling.
        [(nameof(SamplerOptions), nameof(SamplerOptions.CorrectorSteps))] = new object[] { 0 },
        // No weight decay, no warm-up, an average of decay 0 (the current weights); beta 0 is Adam without momentum or averaging.
        [(nameof(TrainingOptions), nameof(TrainingOptions.WeightDecay))] = new object[] { 0.0 },
        [(nameof(TrainingOptions), nameof(TrainingOptions.WarmupSteps))] = new object[] { 0 },
        [(nameof(TrainingOptions), nameof(TrainingOptions.EmaDecay))] = new object[] { 0.0 },
        [(nameof(TrainingOptions), nameof(TrainingOptions.AdamBeta1))] = new object[] { 0.0 },
        [(nameof(TrainingOptions), nameof(TrainingOptions.AdamBeta2))] = new object[] { 0.0 },
        // A clipping bound above every gradient norm clips nothing, as null does.
        [(nameof(TrainingOptions), nameof(TrainingOptions.GradientClipNorm))] = new object[] { 1e300 },
        // Label dropout 0: a conditional model trained on classes only; classifier-free weight 0: the conditional model as trained.
        [(nameof(ScoreModelOptions), nameof(ScoreModelOptions.LabelDropout))] = new object[] { 0.0 },
        [(nameof(ConditionalSamplerOptions), nameof(ConditionalSamplerOptions.ClassifierFreeGuidanceWeight))] = new object[] { 0.0 },
        // Weighting exponent 0: the unweighted loss.
        [(nameof(ScoreModelOptions), nameof(ScoreModelOptions.WeightingExponent))] = new object[] { 0.0 },
        [("DlsmClassifierOptions", "WeightingExponent")] = new object[] { 0.0 },
        // Softmax epsilon 0: log_softmax.
        [("DlsmClassifierOptions", "SoftmaxEpsilon")] = new object[] { 0.0 },
        // Intervals longer than the run: report, checkpoint and monitor only at the end.
        [(nameof(TrainingOptions), nameof(TrainingOptions.ProgressInterval))] = new object[] { Huge },
        [(nameof(TrainingOptions), nameof(TrainingOptions.CheckpointInterval))] = new object[] { Huge },
        [("DlsmClassifierOptions", "MonitorInterval")] = new object[] { Huge },
        // The default joint layout has no noise branch; no attention blocks, or one at a size no feature map has; no dropout.
        [(nameof(MlpOptions), nameof(MlpOptions.NoiseBranchSizes))] = new object[] { Array.Empty<int>() },
        [(nameof(UNetOptions), nameof(UNetOptions.AttentionResolutions))] = new object[] { Array.Empty<int>(), new[] { Huge } },
        [(nameof(UNetOptions), nameof(UNetOptions.Dropout))] = new object[] { 0.0 },
        // Bits offsets of 0 (continuous data) and -1 (data on twice the quoted scale); no dequantisation.
        [("LikelihoodOptions", "BitsOffset")] = new object[] { 0.0, -1.0 },
        [("LikelihoodOptions", "DequantizationWidth")] = new object[] { 0.0 },
        // Network size 0 keeps the data's size; a scale of -1 inverts the pixels; any moderate shift.
        [(nameof(OnnxFeatureExtractorOptions), nameof(OnnxFeatureExtractorOptions.ModelHeight))] = new object[] { 0 },
        [(nameof(OnnxFeatureExtractorOptions), nameof(OnnxFeatureExtractorOptions.ModelWidth))] = new object[] { 0 },
        [(nameof(OnnxFeatureExtractorOptions), nameof(OnnxFeatureExtractorOptions.InputScale))] = new object[] { -1f },
        [(nameof(OnnxFeatureExtractorOptions), nameof(OnnxFeatureExtractorOptions.InputShift))] = new object[] { 0f, -1f },
    };

    [TestMethod]
    [DynamicData(nameof(OptionsClasses))]
    public void ValidateRefusesEveryBadNumberNamingTheOption(string typeName)
    {
        var type = OptionsTypes().Single(t => t.FullName == typeName);
        var validate = type.GetMethod("Validate", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);
        Assert.IsNotNull(validate, $"{type.Name} has no Validate() method");
        Assert.IsNull(Run(validate, Baseline(type)), $"{type.Name}'s defaults must be valid");

        var paths = NumericPaths(type, new List<PropertyInfo>()).ToList();
        Assert.IsNotEmpty(paths, $"{type.Name} has no numeric options to walk");
        var failures = new List<string>();
        foreach (var path in paths)
        {
            var property = path[^1];
            string owner = property.DeclaringType!.Name;
            string name = string.Join(".", path.Select(p => p.Name));
            string expected = MessagePrefix.GetValueOrDefault(owner, "") + property.Name;
            foreach (object? value in BadValues(property.PropertyType))
            {
                var options = Baseline(type);
                object target = path.SkipLast(1).Aggregate(options, (o, p) => p.GetValue(o)!);
                property.SetValue(target, value);
                var error = Run(validate, options);
                bool legal = Legal.TryGetValue((owner, property.Name), out var allowed) && allowed.Any(a => Same(a, value));
                string shown = Show(value);
                if (legal && error is not null)
                    failures.Add($"{name} = {shown} is legal but was refused: {error.Message}");
                else if (!legal && error is null)
                    failures.Add($"{name} = {shown} was accepted");
                else if (!legal && error is not ArgumentException)
                    failures.Add($"{name} = {shown} threw {error!.GetType().Name}, not an ArgumentException: {error.Message}");
                else if (!legal && (!error!.Message.Contains(expected, StringComparison.Ordinal) || ((ArgumentException)error).ParamName != property.Name))
                    failures.Add($"{name} = {shown}: the message does not name '{expected}' (or ParamName '{((ArgumentException)error).ParamName}' is not " +
                        $"'{property.Name}'): {error.Message}");
            }
        }
        Assert.IsEmpty(failures, $"{type.Name}, {paths.Count} options walked:\n" + string.Join("\n", failures));
    }

    static object Baseline(Type type)
    {
        var options = Activator.CreateInstance(type)!;
        if (ValidBaseline.TryGetValue(type.Name, out var fix)) fix(options);
        return options;
    }

    static Exception? Run(MethodInfo validate, object options)
    {
        try
        {
            validate.Invoke(options, null);
            return null;
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException;
        }
    }

    /// <summary>Paths to every publicly settable numeric, list or enum property, through nested options objects.</summary>
    static IEnumerable<List<PropertyInfo>> NumericPaths(Type type, List<PropertyInfo> prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetMethod is not { IsPublic: true }) continue;
            var path = new List<PropertyInfo>(prefix) { property };
            var t = property.PropertyType;
            if (BadValues(t).Any()) yield return path;
            else if (t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
                foreach (var nested in NumericPaths(t, path)) yield return nested;
        }
    }

    /// <summary>NaN, the infinities (floating types), 0, -1 and a huge value of the property's type; none for other types.</summary>
    static IEnumerable<object?> BadValues(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(double)) return new object?[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -1.0, 1e300 };
        if (t == typeof(float)) return new object?[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -1f, float.MaxValue };
        if (t == typeof(int)) return new object?[] { 0, -1, Huge, int.MinValue };
        if (t == typeof(long)) return new object?[] { 0L, -1L, long.MaxValue, long.MinValue };
        if (t == typeof(int[])) return new object?[] { Array.Empty<int>(), new[] { 0 }, new[] { -1 }, new[] { Huge } };
        if (t.IsEnum) return new object?[] { Enum.ToObject(t, 12345) };
        return Array.Empty<object?>();
    }

    static bool Same(object allowed, object? value) =>
        allowed is int[] a ? value is int[] b && a.SequenceEqual(b) : Equals(allowed, value);

    static string Show(object? value) => value switch
    {
        int[] list => $"[{string.Join(", ", list)}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };
}
