using System.Text.Json;
using System.Text.Json.Serialization;
using ScoreML.Guidance;

namespace ScoreML.Transforms.Persistence;

/// <summary>
/// The custom samplers, predictors, correctors and guidance terms of sampler options as a saved model stores them: for each
/// role (the option that holds it, e.g. "Sampler.CustomSampler"), the type's contract name in <see cref="ScoreMLRegistry"/>
/// and its settings as JSON.
/// </summary>
internal static class SavedComponents
{
    const string SamplerRole = "Sampler.CustomSampler";
    const string PredictorRole = "Sampler.CustomPredictor";
    const string CorrectorRole = "Sampler.CustomCorrector";
    const string GuidanceRole = "Guidance";

    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// The components of <paramref name="sampler"/> and <paramref name="guidance"/> as saved, null when there are none. Throws,
    /// naming <paramref name="owner"/>, the option and the type, for one whose type is not registered or whose settings do not
    /// survive a JSON round trip: before the caller writes anything.
    /// </summary>
    public static Dictionary<string, PackageManifest.ComponentPart>? Describe(SamplerOptions sampler, GuidanceTerm? guidance, string owner)
    {
        var saved = new Dictionary<string, PackageManifest.ComponentPart>();
        Add(saved, SamplerRole, sampler.CustomSampler, owner);
        Add(saved, PredictorRole, sampler.CustomPredictor, owner);
        Add(saved, CorrectorRole, sampler.CustomCorrector, owner);
        Add(saved, GuidanceRole, guidance, owner);
        return saved.Count == 0 ? null : saved;
    }

    /// <summary>Puts the saved components back into the options they came from; errors name <paramref name="what"/>.</summary>
    public static void Restore(Dictionary<string, PackageManifest.ComponentPart>? saved, SamplerOptions sampler, ConditionalSamplerOptions? conditional, string what)
    {
        if (saved is null) return;
        foreach (var (role, component) in saved)
        {
            switch (role)
            {
                case SamplerRole:
                    sampler.CustomSampler = Create<Sampler>(component, role, what);
                    break;
                case PredictorRole:
                    sampler.CustomPredictor = Create<Predictor>(component, role, what);
                    break;
                case CorrectorRole:
                    sampler.CustomCorrector = Create<Corrector>(component, role, what);
                    break;
                case GuidanceRole when conditional is not null:
                    conditional.Guidance = Create<GuidanceTerm>(component, role, what);
                    break;
                default:
                    throw new InvalidDataException($"{what} holds a component for '{role}', which this transformer does not have.");
            }
        }
    }

    static void Add(Dictionary<string, PackageManifest.ComponentPart> saved, string role, object? component, string owner)
    {
        if (component is null) return;
        var type = component.GetType();
        if (component is ClassifierGuidanceTerm)
            throw new NotSupportedException($"{owner}'s {role} is classifier guidance, which holds a network: leave {role} null and make the " +
                "sampler with NoiseConditionalClassifierTransformer.CreateSampler (its GuidanceScale is alpha), which saves the classifier's weights.");
        string contract = ScoreMLRegistry.ContractNameOf(type) ?? throw new InvalidOperationException(
            $"{owner}'s {role} is a {type.FullName}, which ScoreML cannot save until its type is registered: call " +
            $"ScoreMLRegistry.Register<{type.Name}>(\"a contract name\"), or mark {type.Name} [ScoreMLComponent(\"a contract name\")] and call " +
            $"ScoreMLRegistry.RegisterAssembly(typeof({type.Name}).Assembly), before saving, and again in the process that loads the model.");
        JsonElement settings;
        try
        {
            settings = JsonSerializer.SerializeToElement(component, type, Json);
            _ = settings.Deserialize(type, Json);   // what loading will do: refuse now what could not be read back then
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException($"{owner}'s {role} is a {type.FullName}, whose settings System.Text.Json cannot save and read " +
                $"back ({e.Message}): give it a public parameterless constructor and keep its settings in public settable properties.", e);
        }
        saved[role] = new PackageManifest.ComponentPart { Contract = contract, Settings = settings };
    }

    static T Create<T>(PackageManifest.ComponentPart component, string role, string what) where T : class
    {
        var type = ScoreMLRegistry.TypeOf(component.Contract) ?? throw new InvalidDataException(
            $"{what} holds a {role} saved as '{component.Contract}', which is not registered in this process: call " +
            $"ScoreMLRegistry.Register<TheType>(\"{component.Contract}\"), or ScoreMLRegistry.RegisterAssembly with the assembly that " +
            "declares it, before loading.");
        if (!typeof(T).IsAssignableFrom(type))
            throw new InvalidDataException($"{what} holds a {role} saved as '{component.Contract}', which is registered for {type.FullName}, not a {typeof(T).Name}.");
        try
        {
            return (T)(component.Settings.Deserialize(type, Json) ?? throw new InvalidDataException($"{what}: the settings of its {role} are empty."));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what}: the settings of its {role} ({type.FullName}) do not fit that type ({e.Message}).", e);
        }
    }
}
