using System.Text.Json.Serialization;

namespace ScoreML;

/// <summary>How a class-conditional sampler reads its requests and draws samples.</summary>
public sealed class ConditionalSamplerOptions
{
    /// <summary>The request column naming the class: a UInt32 key with the model's class count, or the original label values
    /// (mapped through the key values the model was trained with).</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Optional Int32, Int64 or UInt32 column: a row with a seed draws its noise from that seed alone, so its sample depends
    /// only on its seed and class, not on the other rows or its place (rows are still sampled in batches; with
    /// <see cref="SamplerOptions.CorrectorBatchMeanNorms"/> one by one). Null: a row's noise comes from <see cref="SamplerOptions.Seed"/>
    /// and the row's place in the requests.</summary>
    public string? SeedColumnName { get; set; }

    /// <summary>The vector column of samples that the sampler adds (default "Generated"); not empty.</summary>
    public string OutputColumnName { get; set; } = "Generated";

    /// <summary>
    /// The largest <see cref="GuidanceScale"/>: ten times the "scaling" baseline's 10 (the DLSM study's). The classifier's term
    /// grows linearly with alpha, and beyond this it swamps the prior's score and throws the samplers' steps off.
    /// </summary>
    public const double MaxGuidanceScale = 100;

    /// <summary>Alpha, the weight of the classifier's likelihood score, in (0, <see cref="MaxGuidanceScale"/>]: 1 for the Bayes
    /// posterior (base, DLSM), above 1 for "scaling". Not used when <see cref="Guidance"/> is set.</summary>
    public double GuidanceScale { get; set; } = 1.0;

    /// <summary>
    /// w of classifier-free guidance (Ho and Salimans 2022), for a class-conditional score model (trained with
    /// <c>ScoreModelOptions.LabelColumnName</c>): the model's score enters as (1 + w) s(x, t | y) - w s(x, t), two network
    /// evaluations per step (two passes over the batch on the CPU, one over the batch stacked twice on a GPU). w = 0 is the conditional model as trained; diffusers'
    /// <c>guidance_scale</c> is 1 + w. In [0, <see cref="ClassifierFreeGuidance.MaxWeight"/>]; w &gt; 0 needs a model trained with
    /// label dropout. Null (the default): a sampler of a conditional model alone (<see cref="ScoreModelTransformer.CreateSampler"/>)
    /// samples it at w = 0, and a sampler with a classifier or a <see cref="Guidance"/> term adds that term to the model's
    /// unconditional score; set with a classifier, the two guidances combine: CFG's score plus alpha grad log p(y | x).
    /// </summary>
    public double? ClassifierFreeGuidanceWeight { get; set; }

    /// <summary>
    /// A guidance term of your own, added to the prior score in place of the classifier's term (which
    /// <see cref="GuidanceScale"/> weighs). Null: classifier guidance. Works with the samplers of
    /// <see cref="NoiseConditionalClassifierTransformer.CreateSampler"/> and <see cref="ScoreModelTransformer.CreateGuidedSampler"/>;
    /// a model holding one can be saved once its type is registered with <see cref="ScoreMLRegistry"/>.
    /// </summary>
    [JsonIgnore]   // saved as a registered component (its contract name and settings), not as part of these options
    public GuidanceTerm? Guidance { get; set; }

    /// <summary>The sampler that draws the samples, with its steps, seed and batch size; not null.</summary>
    public SamplerOptions Sampler { get; set; } = new();

    /// <summary>Checks these options and their <see cref="Sampler"/>'s; names the option at fault.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("OutputColumnName must name a column.", nameof(OutputColumnName));
        OptionChecks.InRange(GuidanceScale, nameof(GuidanceScale), 0, MaxGuidanceScale, lowOpen: true);
        OptionChecks.InRange(ClassifierFreeGuidanceWeight, nameof(ClassifierFreeGuidanceWeight), 0, ClassifierFreeGuidance.MaxWeight);
        (Sampler ?? throw new ArgumentNullException(nameof(Sampler))).Validate();
    }

    /// <summary>A copy of these options and their sampler options; a <see cref="Guidance"/> term is shared, not copied.</summary>
    public ConditionalSamplerOptions Clone()
    {
        var copy = (ConditionalSamplerOptions)MemberwiseClone();
        copy.Sampler = Sampler.Clone();
        return copy;
    }
}
