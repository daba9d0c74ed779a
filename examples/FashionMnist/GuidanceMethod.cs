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
internal sealed record GuidanceMethod(string Name, ClassifierLoss? Loss, double Scale, double? ClassifierFreeWeight = null)
{
    /// <summary>The study's methods: base, scaling at alpha 2, 5 and 10 (the DLSM paper uses 10), DLSM, DLSM + CE, and
    /// classifier-free guidance at w = 0 (the conditional model as trained), 1 and 3.</summary>
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

    public override string ToString() => IsClassifierFree ? $"{Name} (w {ClassifierFreeWeight!.Value.ToString(CultureInfo.InvariantCulture)})"
        : Scale == 1 ? Name : $"{Name} (alpha {Scale.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>The sampler options of this method: classifier guidance with alpha, or classifier-free guidance with w.</summary>
    public ConditionalSamplerOptions SamplerOptions(SamplerOptions sampler) =>
        new() { Sampler = sampler, GuidanceScale = Scale, ClassifierFreeGuidanceWeight = ClassifierFreeWeight };
}
