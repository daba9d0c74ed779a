using ScoreML.Networks;
using ScoreML.Transforms.Sampling;

namespace ScoreML;

/// <summary>
/// Everything a score-model training run takes: the shared <see cref="TrainingOptions"/> (with an average of the weights,
/// EmaDecay 0.999, on by default) and the score model's own. Defaults suit 2-D toy data on a CPU.
/// </summary>
public sealed class ScoreModelOptions : TrainingOptions
{
    /// <summary>Options with the score model's defaults.</summary>
    public ScoreModelOptions() => EmaDecay = 0.999;

    /// <summary>The largest data dimension <see cref="Objective.Exact"/> accepts: its trace costs one backward pass per dimension.</summary>
    public const int ExactMaxDimension = 64;

    /// <summary>The most SSM projections per point: Song et al. 2019 find 1 enough, the estimator's variance falls only as 1/M, and
    /// each projection repeats the batch in memory.</summary>
    public const int MaxProjections = 100;

    /// <summary>The LCSS gamma range [1/<see cref="MaxLcssGamma"/>, <see cref="MaxLcssGamma"/>]: the loss's optimum is the true score
    /// divided by gamma, so a gamma far from 1 learns a score scaled far off.</summary>
    public const double MaxLcssGamma = 100;

    /// <summary>The fixed-size float vector column to learn the distribution of.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>
    /// A key-typed label column (as <c>MapValueToKey</c> makes it) to condition the score model on, or null (the default) for an
    /// unconditional model. With it the network learns s(x, t | y) through a class embedding (with a reserved "no class" entry),
    /// and the fitted transformer's <see cref="ScoreModelTransformer.CreateSampler"/> samples by class, with classifier-free guidance.
    /// </summary>
    public string? LabelColumnName { get; set; }

    /// <summary>
    /// With <see cref="LabelColumnName"/>: the probability, in [0, 1), that a training row's class is replaced by "no class", so
    /// the one network also learns the unconditional score that classifier-free guidance (w &gt; 0) and classifier guidance on this
    /// model need. Default 0.1 (Ho and Salimans find 0.1 to 0.2 best); 0 trains the conditional score only (the DLSM paper's
    /// posterior score matching target, sampled at w = 0).
    /// </summary>
    public double LabelDropout { get; set; } = 0.1;

    /// <summary>The column the fitted transformer adds, one sample per request row.</summary>
    public string OutputColumnName { get; set; } = "Generated";

    /// <summary>
    /// A column of the requests with each row's own seed (Int32, Int64 or UInt32), or null (the default: a row's place among the
    /// requests and <see cref="SamplerOptions.Seed"/> key its noise). With it a row's sample depends on its seed alone, so the
    /// fitted transformer also samples row by row in an ML.NET PredictionEngine.
    /// </summary>
    public string? SeedColumnName { get; set; }

    /// <summary>
    /// Whether the fitted transformer adds a sample to data rows too: rows of an input that holds <see cref="FeatureColumnName"/>,
    /// such as the training data running on through a fitted chain. Off by default: such rows pass through unchanged, and only
    /// request views (e.g. <c>mlContext.ScoreMatching().Data.Requests(n)</c>) get the <see cref="OutputColumnName"/> column.
    /// </summary>
    public bool GenerateForDataRows { get; set; }

    /// <summary>The built-in objective to train with (unless <see cref="CustomObjective"/> is set).</summary>
    public Objective Objective { get; set; } = Objective.Dsm;

    /// <summary>
    /// An objective of your own (a subclass of <see cref="ScoreObjective"/>), used instead of <see cref="Objective"/> and its
    /// settings. It is used only while training: a model zip holds the network, not the objective, so a custom one needs no
    /// registration to save or load the model.
    /// </summary>
    public ScoreObjective? CustomObjective { get; set; }

    /// <summary>The forward SDE (VE with SigmaMax from the data by default).</summary>
    public SdeOptions Sde { get; set; } = new();

    /// <summary>The MLP's shape and noise conditioning.</summary>
    public MlpOptions Mlp { get; set; } = new();

    /// <summary>The first release's name for <see cref="Mlp"/>.</summary>
    [Obsolete("Network shapes only the MLP: use Mlp.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    [System.Text.Json.Serialization.JsonIgnore]
    public MlpOptions Network { get => Mlp; set => Mlp = value; }

    /// <summary>
    /// Views each row as an image of this shape and trains a <see cref="NoiseConditionalUNet"/> (<see cref="UNet"/>) instead of
    /// the MLP. Left null, a column typed as an image (channels x height x width, as ML.NET's <c>ExtractPixels</c> and the
    /// project's IDX and CIFAR readers type it) is viewed as one, and any other column is a plain vector.
    /// </summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>The U-Net's shape, for image data.</summary>
    public UNetOptions UNet { get; set; } = new();

    /// <summary>How the fitted transformer samples.</summary>
    public SamplerOptions Sampler { get; set; } = new();

    /// <summary>SSM and FD-SSM: number M of projections per point, in [1, <see cref="MaxProjections"/>].</summary>
    public int Projections { get; set; } = 1;

    /// <summary>SSM and FD-SSM: distribution of the projections.</summary>
    public ProjectionKind ProjectionKind { get; set; } = ProjectionKind.Rademacher;

    /// <summary>FD-SSM: the difference step h as a multiple of the noise std, in (0, 1]: a step of a whole std no longer measures a
    /// derivative at the noise level's scale.</summary>
    public double FiniteDifferenceStep { get; set; } = 0.05;

    /// <summary>
    /// The loss weight lambda(sigma) = sigma^(2 WeightingExponent). 1 (default) is the usual lambda = sigma^2, under which every
    /// noise level contributes on the same scale; the DLSM toy code uses 2 ("weighting 2"), which favours large noise.
    /// </summary>
    public double WeightingExponent { get; set; } = 1;

    /// <summary>LCSS: gamma, the weight of |s|^2/2 against the Stein term (1 = the plain objective), in [0.01, <see cref="MaxLcssGamma"/>].</summary>
    public double LcssGamma { get; set; } = 1.0;

    /// <summary>Receives one report every <see cref="TrainingOptions.ProgressInterval"/> steps and at the last step.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Checks every option that does not depend on the data; names the option at fault.</summary>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("OutputColumnName must name a column.", nameof(OutputColumnName));
        if (SeedColumnName is not null && string.IsNullOrWhiteSpace(SeedColumnName))
            throw new ArgumentException("SeedColumnName must name a column (or be null).", nameof(SeedColumnName));
        if (LabelColumnName is not null && string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("LabelColumnName must name a key column (or be null for an unconditional model).", nameof(LabelColumnName));
        OptionChecks.InRange(LabelDropout, nameof(LabelDropout), 0, 1, highOpen: true);
        base.Validate();
        OptionChecks.InRange(WeightingExponent, nameof(WeightingExponent), 0, 4);
        OptionChecks.InRange(Projections, nameof(Projections), 1, MaxProjections);
        OptionChecks.InRange(FiniteDifferenceStep, nameof(FiniteDifferenceStep), 0, 1, lowOpen: true);
        OptionChecks.InRange(LcssGamma, nameof(LcssGamma), 1 / MaxLcssGamma, MaxLcssGamma);
        OptionChecks.Defined(Objective, nameof(Objective));
        OptionChecks.Defined(ProjectionKind, nameof(ProjectionKind));
        (Sde ?? throw new ArgumentNullException(nameof(Sde))).Validate();
        (Mlp ?? throw new ArgumentNullException(nameof(Mlp))).Validate();
        (UNet ?? throw new ArgumentNullException(nameof(UNet))).Validate();
        (Sampler ?? throw new ArgumentNullException(nameof(Sampler))).Validate();
    }

    /// <summary>Checks what depends on the data's dimension.</summary>
    public void ValidateFor(int dimension)
    {
        ImageShape?.Validate(dimension, $"ScoreModelOptions.ImageShape (column '{FeatureColumnName}')");
        if (CustomObjective is null && Objective == Objective.Exact && dimension > ExactMaxDimension)
            throw new ArgumentException($"Objective Exact computes the full Jacobian trace with one backward pass per dimension and accepts at most " +
                $"{ExactMaxDimension} dimensions; column '{FeatureColumnName}' has {dimension}. Use Ssm, FdSsm, Lcss or Dsm.", nameof(Objective));
    }
}
