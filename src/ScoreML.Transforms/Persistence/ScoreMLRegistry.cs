using System.Reflection;
using ScoreML.Guidance;

namespace ScoreML;

/// <summary>
/// The types of custom samplers, predictors, correctors and guidance terms that saved models may hold, each under a contract
/// name. A model zip stores a custom instance as its contract name and its settings (its public settable properties, as
/// System.Text.Json writes them), and loading creates the registered type again from them. Register a type before you save
/// a model that holds it (saving an unregistered one fails before anything is written, naming the type) and again in every
/// process that loads such a model, as ML.NET's <c>mlContext.ComponentCatalog.RegisterAssembly</c> is needed for
/// CustomMapping: either <see cref="Register{T}(string)"/>, or mark the types <see cref="ScoreMLComponentAttribute"/> and call
/// <see cref="RegisterAssembly"/>. ScoreML's own samplers, predictors and corrector are registered already. The registry is
/// process-wide and thread-safe.
/// </summary>
public static class ScoreMLRegistry
{
    static readonly Type[] extensionPoints = { typeof(Sampler), typeof(Predictor), typeof(Corrector), typeof(GuidanceTerm) };
    static readonly object gate = new();
    static readonly Dictionary<string, Type> types = new(StringComparer.Ordinal);
    static readonly Dictionary<Type, string> names = new();

    static ScoreMLRegistry()
    {
        Register<PredictorCorrectorSampler>("ScoreML.PredictorCorrectorSampler");
        Register<AnnealedLangevinSampler>("ScoreML.AnnealedLangevinSampler");
        Register<ProbabilityFlowOdeSampler>("ScoreML.ProbabilityFlowOdeSampler");
        Register<ReverseDiffusionPredictor>("ScoreML.ReverseDiffusionPredictor");
        Register<EulerMaruyamaPredictor>("ScoreML.EulerMaruyamaPredictor");
        Register<LangevinCorrector>("ScoreML.LangevinCorrector");
    }

    /// <summary>
    /// Registers <typeparamref name="T"/> (a <see cref="Sampler"/>, <see cref="Predictor"/>, <see cref="Corrector"/> or
    /// <see cref="GuidanceTerm"/>) under <paramref name="contractName"/>. Registering the same pair again does nothing; a name
    /// or a type already registered with another partner is refused.
    /// </summary>
    public static void Register<T>(string contractName) where T : class => Register(typeof(T), contractName);

    /// <summary>As <see cref="Register{T}(string)"/> for a type known at run time.</summary>
    public static void Register(Type type, string contractName)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(contractName);
        if (type.IsAbstract || !extensionPoints.Any(point => point.IsAssignableFrom(type)))
            throw new ArgumentException($"{type.FullName} cannot be registered: ScoreMLRegistry holds concrete types derived from Sampler, Predictor, " +
                "Corrector or GuidanceTerm.", nameof(type));
        if (type == typeof(ClassifierGuidanceTerm))
            throw new ArgumentException("Classifier guidance holds a network: a saved guided sampler stores it with the classifier's weights, not here.", nameof(type));
        lock (gate)
        {
            if (types.TryGetValue(contractName, out var existing) && existing != type)
                throw new ArgumentException($"The contract name '{contractName}' is registered for {existing.FullName} already; choose another for {type.FullName}.", nameof(contractName));
            if (names.TryGetValue(type, out var existingName) && existingName != contractName)
                throw new ArgumentException($"{type.FullName} is registered as '{existingName}' already; a type has one contract name.", nameof(contractName));
            types[contractName] = type;
            names[type] = contractName;
        }
    }

    /// <summary>Registers every type of <paramref name="assembly"/> marked with <see cref="ScoreMLComponentAttribute"/>.</summary>
    public static void RegisterAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes())
            if (type.GetCustomAttribute<ScoreMLComponentAttribute>() is { } component)
                Register(type, component.ContractName);
    }

    /// <summary>The contract name <paramref name="type"/> is registered under, or null.</summary>
    public static string? ContractNameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (gate) return names.GetValueOrDefault(type);
    }

    /// <summary>The type registered under <paramref name="contractName"/>, or null.</summary>
    internal static Type? TypeOf(string contractName)
    {
        lock (gate) return types.GetValueOrDefault(contractName);
    }
}
