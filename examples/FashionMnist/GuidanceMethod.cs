using System.Globalization;
using ScoreML;

namespace FashionMnist;

/// <summary>
/// One way to sample a class. Classifier guidance: the unconditional score model plus a classifier (trained with
/// <see cref="Loss"/>) whose likelihood score is scaled by <see cref="Scale"/> — the DLSM paper's base (the CE classifier),
/// scaling (the CE classifier times alpha; alpha = 1 is base) and DLSM (a classifier trained with the DLSM loss, alone or plus
/// lambda CE, the paper's image setting). Or classifier-free guidance: a class-conditional score model trained with label
/// dropout, sampled with weight <see cref="ClassifierFreeWeight"/> (Ho and Salimans 2022; no classifier, <see cref="Loss"/> null).
/// </summary>
/// <remarks><see cref="BudgetShare"/> below 1 samples with that share of the study's network evaluations (or steps): CFG at
/// w &gt; 0 evaluates the U-Net twice a step, so at half the evaluations it costs about what DLSM guidance does at the full
/// budget (a U-Net pass plus the classifier's forward and backward; --costs measures the ratio), which is where the two are
/// compared at matched sampling cost.</remarks>
internal sealed record GuidanceMethod(string Name, ClassifierLoss? Loss, double Scale, double? ClassifierFreeWeight = null, double BudgetShare = 1)
{
    /// <summary>The study's methods: base, scaling at alpha 2, 5 and 10 (the DLSM paper uses 10), DLSM, DLSM + CE, and
    /// classifier-free guidance at w = 0 (the conditional model as trained), 1 and 3, and at w = 1 and 3 with half the network
    /// evaluations (DLSM's sampling cost).</summary>
    public static readonly GuidanceMethod[] All =
    {
        new("base", ClassifierLoss.CrossEntropy, 1),
        new("scaling-2", ClassifierLoss.CrossEntropy, 2),
        new("scaling-5", ClassifierLoss.CrossEntropy, 5),
        new("scaling-10", ClassifierLoss.CrossEntropy, 10),
        new("dlsm", ClassifierLoss.Dlsm, 1),
        new("dlsm+ce", ClassifierLoss.DlsmPlusCrossEntropy, 1),
        new("cfg-0", null, 1, 0),
        new("cfg-1", null, 1, 1),
        new("cfg-3", null, 1, 3),
        new("cfg-1-half", null, 1, 1, 0.5),
        new("cfg-3-half", null, 1, 3, 0.5),
    };

    /// <summary>The label dropout of the class-conditional model (the library's default; Ho and Salimans find 0.1 to 0.2 best).</summary>
    public const double LabelDropout = 0.1;

    /// <summary>Whether this method samples the class-conditional model (classifier-free guidance) rather than a classifier's.</summary>
    public bool IsClassifierFree => ClassifierFreeWeight is not null;

    /// <summary>The method every other is compared with.</summary>
    public const string Baseline = "base";

    /// <summary>The guided sampler the trajectory strip and --save use: the DLSM paper's own method.</summary>
    public const string Showcase = "dlsm+ce";

    /// <summary>The classifier's name in progress lines and checkpoints ("CE", "DLSM", "DLSM+CE"; "none" for classifier-free guidance).</summary>
    public string ClassifierName => Loss is ClassifierLoss loss ? ClassifierNameOf(loss) : "none";

    public static string ClassifierNameOf(ClassifierLoss loss) => loss switch
    {
        ClassifierLoss.CrossEntropy => "CE",
        ClassifierLoss.Dlsm => "DLSM",
        _ => "DLSM+CE",
    };

    /// <summary>"base,scaling-10,dlsm+ce" (the --methods option), in the study's order; every name must be known.</summary>
    public static GuidanceMethod[] Parse(string? list)
    {
        if (list is null) return All;
        var names = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = names.Where(n => All.All(m => m.Name != n)).ToArray();
        if (unknown.Length > 0 || names.Length == 0)
            throw new ArgumentException($"--methods takes names from {string.Join(", ", All.Select(m => m.Name))}, separated by commas; " +
                $"{(names.Length == 0 ? "it is empty" : $"'{string.Join("', '", unknown)}' {(unknown.Length == 1 ? "is" : "are")} not one of them")}.");
        var chosen = All.Where(m => names.Contains(m.Name)).ToArray();
        if (chosen.All(m => m.Name != Baseline))
            throw new ArgumentException($"--methods must include {Baseline}: every other method is compared with it.");
        return chosen;
    }

    public override string ToString() => IsClassifierFree
        ? $"{Name} (w {ClassifierFreeWeight!.Value.ToString(CultureInfo.InvariantCulture)}{(BudgetShare == 1 ? "" : $", {BudgetShare.ToString(CultureInfo.InvariantCulture)} of the evaluations")})"
        : Scale == 1 ? Name : $"{Name} (alpha {Scale.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>The sampler options of this method: classifier guidance with alpha, or classifier-free guidance with w, on the
    /// study's sampler with <see cref="BudgetShare"/> of its network evaluations (or steps, without a budget).</summary>
    public ConditionalSamplerOptions SamplerOptions(SamplerOptions sampler)
    {
        if (BudgetShare != 1)
        {
            sampler = sampler.Clone();
            if (sampler.Evaluations is int budget) sampler.Evaluations = Shared(budget);
            else sampler.Steps = Shared(sampler.Steps);
        }
        return new() { Sampler = sampler, GuidanceScale = Scale, ClassifierFreeGuidanceWeight = ClassifierFreeWeight };
    }

    int Shared(int count) => Math.Max(1, (int)Math.Round(count * BudgetShare, MidpointRounding.AwayFromZero));
}
