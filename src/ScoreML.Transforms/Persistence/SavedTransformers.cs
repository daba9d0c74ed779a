using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Transforms.Persistence;

/// <summary>Turns each saveable ScoreML transformer into a <see cref="TransformerPackage"/> and back.</summary>
internal static class SavedTransformers
{
    const string ScoreModelSection = "score-model.weights";
    const string ClassifierSection = "classifier.weights";

    public static TransformerPackage Pack(ScoreModelTransformer transformer)
    {
        var package = New(nameof(ScoreModelTransformer));
        AddScoreModel(package, transformer.Model);
        package.Manifest.Sampler = transformer.Sampler;
        package.Manifest.Components = SavedComponents.Describe(transformer.Sampler, null, nameof(ScoreModelTransformer));
        package.Manifest.OutputColumnName = transformer.OutputColumnName;
        package.Manifest.SeedColumnName = transformer.SeedColumnName;
        package.Manifest.DataColumnName = transformer.DataColumnName;
        package.Manifest.GenerateForDataRows = transformer.GenerateForDataRows;
        return package;
    }

    public static TransformerPackage Pack(NoiseConditionalClassifierTransformer transformer)
    {
        var package = New(nameof(NoiseConditionalClassifierTransformer));
        AddScoreModel(package, transformer.ScoreModel);
        AddClassifier(package, transformer.Classifier, transformer.Labels);
        package.Manifest.FeatureColumnName = transformer.FeatureColumnName;
        return package;
    }

    /// <param name="transformer">The guided sampler: its labels and options (custom components described).</param>
    /// <param name="scoreModel">The sampler's reference to the prior score model.</param>
    /// <param name="classifier">The classifier of classifier guidance; null when the options' guidance term is the only one.</param>
    public static TransformerPackage Pack(ConditionalSamplingTransformer transformer, ScoreModel scoreModel, NoiseConditionalClassifier? classifier)
    {
        var package = New(nameof(ConditionalSamplingTransformer));
        AddScoreModel(package, scoreModel);
        if (classifier is null) AddLabels(package, transformer.Labels);
        else AddClassifier(package, classifier, transformer.Labels);
        package.Manifest.Conditional = transformer.Options;
        package.Manifest.Components = SavedComponents.Describe(transformer.Options.Sampler, transformer.Options.Guidance, nameof(ConditionalSamplingTransformer));
        return package;
    }

    /// <summary>The transformer a package describes, its networks on <paramref name="device"/>; errors name <paramref name="what"/>.
    /// <paramref name="context"/>, the MLContext that loads it, is the one whose log, cancellation and seed it then follows.</summary>
    public static IDisposable Unpack(TransformerPackage package, Device device, string what, Microsoft.ML.MLContext? context = null)
    {
        var manifest = package.Manifest;
        // This method's reference to the score model: a ScoreModelTransformer takes it over, the classifier transformer and
        // the sampler take shares of their own; what is still held here is released on the way out, success or failure.
        ScoreModel? scoreModel = ReadScoreModel(package, device, what, context);
        try
        {
            switch (manifest.Kind)
            {
                case nameof(ScoreModelTransformer):
                {
                    var sampler = Required(manifest.Sampler, "Sampler", what);
                    SavedComponents.Restore(manifest.Components, sampler, null, what);
                    var transformer = new ScoreModelTransformer(scoreModel, sampler, Required(manifest.OutputColumnName, "OutputColumnName", what))
                    {
                        SeedColumnName = manifest.SeedColumnName,
                        DataColumnName = manifest.DataColumnName,
                        GenerateForDataRows = manifest.GenerateForDataRows,
                    };
                    scoreModel = null;
                    return transformer;
                }
                case nameof(NoiseConditionalClassifierTransformer):
                    return ReadClassifierTransformer(package, scoreModel, device, Required(manifest.FeatureColumnName, "FeatureColumnName", what), what);
                case nameof(ConditionalSamplingTransformer):
                {
                    var options = Required(manifest.Conditional, "Conditional", what);
                    SavedComponents.Restore(manifest.Components, options.Sampler, options, what);
                    if (manifest.Classifier is null)
                        return ConditionalSamplingTransformer.Guided(scoreModel, null, ReadLabels(package, what), options);
                    // The sampler holds its own references to both networks, so the classifier transformer can go.
                    using var owner = ReadClassifierTransformer(package, scoreModel, device, "Features", what);
                    return owner.CreateSampler(options);
                }
                default:
                    throw new InvalidDataException($"{what} holds a '{manifest.Kind}', which this ScoreML does not know.");
            }
        }
        finally
        {
            scoreModel?.Dispose();
        }
    }

    // A classifier transformer that takes the package's classifier over and a share of scoreModel.
    static NoiseConditionalClassifierTransformer ReadClassifierTransformer(TransformerPackage package, ScoreModel scoreModel, Device device,
        string featureColumnName, string what)
    {
        var (classifier, labels) = ReadClassifier(package, device, what);
        try
        {
            return new NoiseConditionalClassifierTransformer(scoreModel, classifier, labels, featureColumnName);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    static TransformerPackage New(string kind) => new(new PackageManifest
    {
        Kind = kind,
        SavedBy = typeof(SavedTransformers).Assembly.GetName().Version?.ToString(),
    });

    static void AddScoreModel(TransformerPackage package, ScoreModel model)
    {
        package.Manifest.ScoreModel = new PackageManifest.ScoreModelPart
        {
            Network = NetworkDescription.Of(model.Network),
            Sde = SdeDescription.Of(model.Sde),
            Labels = model.Labels is LabelKeys labels ? LabelPartOf(labels) : null,
            LabelDropout = model.LabelDropout,
        };
        package.Sections[ScoreModelSection] = WeightsOf(model.Network);
    }

    static void AddClassifier(TransformerPackage package, NoiseConditionalClassifier classifier, LabelKeys labels)
    {
        package.Manifest.Classifier = new PackageManifest.ClassifierPart { Network = NetworkDescription.Of(classifier.Network), SoftmaxEpsilon = classifier.SoftmaxEpsilon };
        AddLabels(package, labels);
        package.Sections[ClassifierSection] = WeightsOf(classifier.Network);
    }

    static void AddLabels(TransformerPackage package, LabelKeys labels) => package.Manifest.Labels = LabelPartOf(labels);

    static PackageManifest.LabelPart LabelPartOf(LabelKeys labels) =>
        new() { Count = labels.Count, Names = labels.Names, ValueType = ValueTypeName(labels.ValueType) };

    static LabelKeys LabelsOf(PackageManifest.LabelPart labels, string what) => new(labels.Count, labels.Names, ValueTypeOf(labels.ValueType, what));

    static byte[] WeightsOf(NoiseConditionalNetwork network)
    {
        using var stream = new MemoryStream();
        NetworkWeights.Write(network, stream);
        return stream.ToArray();
    }

    static ScoreModel ReadScoreModel(TransformerPackage package, Device device, string what, Microsoft.ML.MLContext? context)
    {
        var part = Required(package.Manifest.ScoreModel, "ScoreModel", what);
        var network = ReadNetwork(part.Network, package.Section(ScoreModelSection, what), device, $"{what}, score model");
        try
        {
            return new ScoreModel(network, part.Sde.Create(double.NaN), device)
            {
                Environment = context,
                Labels = part.Labels is { } labels ? LabelsOf(labels, what) : null,
                LabelDropout = part.LabelDropout,
            };
        }
        catch (ArgumentException e)
        {
            network.Dispose();
            throw new InvalidDataException($"{what}: the score model's classes do not fit its network: {e.Message}", e);
        }
    }

    static (NoiseConditionalClassifier, LabelKeys) ReadClassifier(TransformerPackage package, Device device, string what)
    {
        var part = Required(package.Manifest.Classifier, "Classifier", what);
        var labels = ReadLabels(package, what);
        var network = ReadNetwork(part.Network, package.Section(ClassifierSection, what), device, $"{what}, classifier");
        try
        {
            return (new NoiseConditionalClassifier(network, part.SoftmaxEpsilon), labels);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    static LabelKeys ReadLabels(TransformerPackage package, string what)
    {
        return LabelsOf(Required(package.Manifest.Labels, "Labels", what), what);
    }

    static NoiseConditionalNetwork ReadNetwork(NetworkDescription description, byte[] weights, Device device, string what)
    {
        var network = description.Build(what);
        try
        {
            using (var stream = new MemoryStream(weights)) NetworkWeights.Read(network, stream, $"{what} weights");
            network.to(device);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    static T Required<T>(T? value, string name, string what) where T : class =>
        value ?? throw new InvalidDataException($"{what}: the manifest has no {name}.");

    static string? ValueTypeName(DataViewType? type) => type switch
    {
        null => null,
        TextDataViewType => "Text",
        _ => type.RawType.Name,
    };

    static DataViewType? ValueTypeOf(string? name, string what) => name switch
    {
        null => null,
        "Text" => TextDataViewType.Instance,
        "Single" => NumberDataViewType.Single,
        "Double" => NumberDataViewType.Double,
        "Int32" => NumberDataViewType.Int32,
        "Int64" => NumberDataViewType.Int64,
        "UInt32" => NumberDataViewType.UInt32,
        "Boolean" => BooleanDataViewType.Instance,
        _ => throw new InvalidDataException($"{what}: unknown label value type '{name}'."),
    };
}
