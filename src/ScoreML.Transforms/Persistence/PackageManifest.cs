using System.Text.Json;

namespace ScoreML.Transforms.Persistence;

/// <summary>The JSON half of a <see cref="TransformerPackage"/>: which transformer it is and everything but the weights.</summary>
internal sealed class PackageManifest
{
    /// <summary>The transformer's type name: ScoreModelTransformer, NoiseConditionalClassifierTransformer or ConditionalSamplingTransformer.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The ScoreML version that saved it (information only; compatibility follows the package version).</summary>
    public string? SavedBy { get; set; }

    public ScoreModelPart? ScoreModel { get; set; }
    public ClassifierPart? Classifier { get; set; }
    public LabelPart? Labels { get; set; }
    public SamplerOptions? Sampler { get; set; }
    public ConditionalSamplerOptions? Conditional { get; set; }
    public string? FeatureColumnName { get; set; }
    public string? OutputColumnName { get; set; }
    /// <summary>A score-model transformer's per-row seed column (absent in zips saved before it existed: none).</summary>
    public string? SeedColumnName { get; set; }
    /// <summary>A score-model transformer's training column, whose rows it passes through unless <see cref="GenerateForDataRows"/>
    /// (absent in older zips: every row gets a sample, as they did).</summary>
    public string? DataColumnName { get; set; }
    /// <summary>Whether a score-model transformer adds a sample to data rows too.</summary>
    public bool GenerateForDataRows { get; set; }

    /// <summary>Custom samplers, predictors, correctors and guidance terms of the sampler options, by the option that holds
    /// them (<see cref="SavedComponents"/>); null when there are none.</summary>
    public Dictionary<string, ComponentPart>? Components { get; set; }

    internal sealed class ScoreModelPart
    {
        public NetworkDescription Network { get; set; } = new();
        public SdeOptions Sde { get; set; } = new();

        /// <summary>A class-conditional model's classes; null for an unconditional one (and in zips saved before class conditioning).</summary>
        public LabelPart? Labels { get; set; }

        /// <summary>The label dropout a class-conditional model was trained with.</summary>
        public double LabelDropout { get; set; }
    }

    internal sealed class ClassifierPart
    {
        public NetworkDescription Network { get; set; } = new();
        public double SoftmaxEpsilon { get; set; }
    }

    internal sealed class LabelPart
    {
        public int Count { get; set; }
        public string[]? Names { get; set; }

        /// <summary>The original label values' type (Text, Single, Double, Int32, Int64, UInt32, Boolean), with <see cref="Names"/>.</summary>
        public string? ValueType { get; set; }
    }

    /// <summary>A component: its contract name in <see cref="ScoreMLRegistry"/> and its settings.</summary>
    internal sealed class ComponentPart
    {
        public string Contract { get; set; } = "";
        public JsonElement Settings { get; set; }
    }
}
