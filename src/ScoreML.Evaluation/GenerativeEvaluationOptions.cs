using ScoreML.Evaluation.Metrics;

namespace ScoreML;

/// <summary>What <c>mlContext.ScoreMatching().Evaluate(real, generated, options)</c> reads and computes.</summary>
public sealed class GenerativeEvaluationOptions
{
    /// <summary>The largest <see cref="K"/>: the papers use 3 to 5, and every point keeps k + 9 candidate distances while the radii
    /// are ranked.</summary>
    public const int MaxK = 1000;

    /// <summary>The most KID subsets: each one is three m x m kernel matrices.</summary>
    public const int MaxKidSubsets = 100_000;

    /// <summary>The most Inception Score splits (the literature uses 10); each needs many samples to mean anything.</summary>
    public const int MaxInceptionSplits = 1000;

    /// <summary>The real view's data column (vectors or image pixels).</summary>
    public string RealColumnName { get; set; } = "Features";
    /// <summary>The generated view's data column (what the sampling transformers add).</summary>
    public string GeneratedColumnName { get; set; } = "Generated";
    /// <summary>A key-typed label column present in both views, for CAS and the class-wise metrics; null for none.</summary>
    public string? LabelColumnName { get; set; }

    /// <summary>
    /// Turns rows into features. Null (the default) chooses by the real column: images of one or three channels (a column
    /// typed C x H x W, as ScoreML's image readers and samplers make) get ML.NET's ImageNet-pretrained ResNet-18
    /// (<see cref="ResNet18Features"/>, metrics named fid_resnet18 and so on), anything else the rows themselves
    /// (<see cref="IdentityFeatureExtractor"/>). An extractor the evaluator chose is disposed when it is done.
    /// </summary>
    public IFeatureExtractor? FeatureExtractor { get; set; }

    /// <summary>k of the k-NN radii of precision, recall, density and coverage (the DLSM paper: 3), in [1, <see cref="MaxK"/>].</summary>
    public int K { get; set; } = 3;
    /// <summary>Splits of the Inception Score, in [1, <see cref="MaxInceptionSplits"/>].</summary>
    public int InceptionSplits { get; set; } = 10;

    /// <summary>The Frechet distance between Gaussian fits of the real and generated features (FID); see <see cref="MemoryBudgetBytes"/>.</summary>
    public bool ComputeFid { get; set; } = true;

    /// <summary>
    /// Canceling stops the evaluation between its phases (feature extraction, each metric) with an
    /// <see cref="OperationCanceledException"/>; <c>MLContext.CancelExecution()</c> does the same.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CancellationToken CancellationToken { get; set; }
    /// <summary>The kernel inception distance (unbiased; see <see cref="KidSubsets"/> and <see cref="KidSubsetSize"/>).</summary>
    public bool ComputeKid { get; set; } = true;
    /// <summary>How many random subsets KID averages over, in [1, <see cref="MaxKidSubsets"/>] (clean-fid and torch-fidelity: 100).</summary>
    public int KidSubsets { get; set; } = 100;
    /// <summary>
    /// Rows of each set in a KID subset, at least 2; null (the default) takes 1,000 as clean-fid and torch-fidelity do, or every
    /// row of the smaller set when it has fewer. A size set here must fit in both sets (refused before any feature is extracted).
    /// </summary>
    public int? KidSubsetSize { get; set; }
    /// <summary>
    /// Seeds the random choices the evaluation makes itself (KID's subsets, the bootstrap resamples); CAS has its own
    /// <see cref="CasOptions.Seed"/>. Null (the default) follows the MLContext: the evaluator draws it from the context's random
    /// source, so <c>new MLContext(seed: s)</c> gives the same numbers on every run.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>A shallow copy whose <see cref="Seed"/> and CAS seed are filled in: as set, or drawn from <paramref name="host"/>.</summary>
    internal GenerativeEvaluationOptions WithSeedsFrom(Microsoft.ML.Runtime.IHost host)
    {
        var copy = (GenerativeEvaluationOptions)MemberwiseClone();
        copy.Seed = Seed ?? host.Rand.Next();
        copy.Cas = Cas?.WithSeedFrom(host)!;
        return copy;
    }
    /// <summary>Precision and recall (Kynkaanniemi et al. 2019), density and coverage (Naeem et al. 2020) from k-NN balls (see <see cref="K"/>).</summary>
    public bool ComputePrdc { get; set; } = true;
    /// <summary>Needs an extractor that provides logits; skipped (and said so in the warnings) otherwise.</summary>
    public bool ComputeInceptionScore { get; set; } = true;
    /// <summary>Needs <see cref="LabelColumnName"/>.</summary>
    public bool ComputeCas { get; set; } = true;
    /// <summary>Class-wise precision, recall, density and coverage; needs <see cref="LabelColumnName"/>.</summary>
    public bool ComputeClassWise { get; set; } = true;
    /// <summary>How CAS trains its classifier; not null.</summary>
    public CasOptions Cas { get; set; } = new();

    /// <summary>The most <see cref="IntervalResamples"/>.</summary>
    public const int MaxIntervalResamples = 100_000;

    /// <summary>
    /// Bootstrap resamples behind each metric's confidence interval, 0 for no intervals, else in [2, <see cref="MaxIntervalResamples"/>]
    /// (default 200). FID, the Inception Score, precision and density resample the generated rows (within each class when
    /// <see cref="LabelColumnName"/> is set, as a class-conditional sampler fixes the rows per class); recall and coverage, which
    /// average over the real rows, resample those; KID takes the spread of its subsets (or resamples the generated rows when
    /// one subset holds every row); CAS, an accuracy on the real rows, takes Wilson's interval and needs no resampling.
    /// </summary>
    public int IntervalResamples { get; set; } = 200;

    /// <summary>The confidence level of the intervals, in [0.5, 0.999] (default 0.95).</summary>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>The real set's statistics and radii computed before (see <c>ComputeRealReference</c>); null computes them now.</summary>
    public RealSetReference? RealReference { get; set; }

    /// <summary>
    /// The memory, in bytes, that FID's D x D float64 matrices may take (seven of them at the peak); null, the default, is half
    /// of the memory available to the process (<see cref="MemoryBudget.DefaultBytes"/>). A feature dimension that needs more
    /// is refused with an <see cref="InsufficientMemoryException"/> before the covariances are computed. PRDC, the Inception
    /// Score and CAS work in blocks or in memory linear in the data and need no budget.
    /// </summary>
    public long? MemoryBudgetBytes { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrEmpty(RealColumnName)) throw new ArgumentException("GenerativeEvaluationOptions.RealColumnName is empty.");
        if (string.IsNullOrEmpty(GeneratedColumnName)) throw new ArgumentException("GenerativeEvaluationOptions.GeneratedColumnName is empty.");
        if (IntervalResamples is not 0 and (< 2 or > MaxIntervalResamples))
            throw OptionChecks.Refusal("GenerativeEvaluationOptions.IntervalResamples", $"0 (no intervals) or in [2, {MaxIntervalResamples}]",
                IntervalResamples.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ConfidenceInterval.RequireLevel(ConfidenceLevel, "GenerativeEvaluationOptions.ConfidenceLevel");
        OptionChecks.InRange(K, "GenerativeEvaluationOptions.K", 1, MaxK);
        OptionChecks.InRange(KidSubsets, "GenerativeEvaluationOptions.KidSubsets", 1, MaxKidSubsets);
        if (KidSubsetSize is int size) OptionChecks.InRange(size, "GenerativeEvaluationOptions.KidSubsetSize", 2, int.MaxValue);
        OptionChecks.InRange(InceptionSplits, "GenerativeEvaluationOptions.InceptionSplits", 1, MaxInceptionSplits);
        if (MemoryBudgetBytes is long budget && budget <= 0)
            throw OptionChecks.Refusal("GenerativeEvaluationOptions.MemoryBudgetBytes", "a positive number of bytes (or null for half the available memory)",
                budget.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (Cas ?? throw new ArgumentNullException(nameof(Cas), "GenerativeEvaluationOptions.Cas is null.")).Validate();
    }
}
