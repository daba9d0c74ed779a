using ScoreML.Transforms.Sampling;

namespace ScoreML.Transforms;

/// <summary>How a class-conditional sampler reads its requests and draws samples.</summary>
public sealed class ConditionalSamplerOptions
{
    /// <summary>The request column naming the class: a UInt32 key with the model's class count, or the original label values
    /// (mapped through the key values the model was trained with).</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Optional Int32, Int64 or UInt32 column: a row with a seed is sampled on its own from that seed, so its sample does not
    /// depend on the other rows (slower than batches). Null: rows are sampled in batches seeded by <see cref="SamplerOptions.Seed"/>.</summary>
    public string? SeedColumnName { get; set; }

    public string OutputColumnName { get; set; } = "Generated";

    /// <summary>Alpha, the weight of the classifier's likelihood score: 1 for the Bayes posterior (base, DLSM), above 1 for "scaling".</summary>
    public double GuidanceScale { get; set; } = 1.0;

    public SamplerOptions Sampler { get; set; } = new();

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("OutputColumnName must name a column.", nameof(OutputColumnName));
        if (!(GuidanceScale > 0) || double.IsInfinity(GuidanceScale))
            throw new ArgumentOutOfRangeException(nameof(GuidanceScale), GuidanceScale, "GuidanceScale (alpha) must be positive and finite.");
        (Sampler ?? throw new ArgumentNullException(nameof(Sampler))).Validate();
    }

    public ConditionalSamplerOptions Clone()
    {
        var copy = (ConditionalSamplerOptions)MemberwiseClone();
        copy.Sampler = Sampler.Clone();
        return copy;
    }
}
