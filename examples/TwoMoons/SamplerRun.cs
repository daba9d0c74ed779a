using ScoreML;

namespace TwoMoons;

/// <summary>One sampler at one budget: how it is configured, and what it cost and gave.</summary>
internal sealed record SamplerRun(string Sampler, SamplerKind Kind, int? Budget)
{
    /// <summary>Network evaluations per sample, counted on the guided score (the PC sampler's predictor and corrector both count).</summary>
    public double CountedEvaluations { get; set; }

    public double SecondsPerThousand { get; set; }

    /// <summary>Metric name to estimate, both classes averaged (the interval from the same resamples averaged).</summary>
    public Dictionary<string, Estimate> Quality { get; } = new();

    /// <summary>The sampler options of this run: the library's defaults for the kind, with the budget and the study's batch and seed.</summary>
    public SamplerOptions Options(int seed) => new()
    {
        Kind = Kind,
        Evaluations = Budget,
        Steps = Kind == SamplerKind.PredictorCorrector ? 1000 : new SamplerOptions().Steps,
        BatchSize = SamplerStudySettings.SamplerBatch,
        Seed = seed,
    };

    public bool IsPredictorCorrector => Kind == SamplerKind.PredictorCorrector;

    /// <summary>The study's runs: the four fixed-step fast samplers at every budget, the adaptive ODE, then PC at 1,000 steps.</summary>
    public static List<SamplerRun> All()
    {
        var runs = new List<SamplerRun>();
        foreach (var (name, kind) in new[] { ("ddim", SamplerKind.Ddim), ("heun", SamplerKind.Heun), ("dpm2m", SamplerKind.DpmSolver2M), ("dpm3s", SamplerKind.DpmSolver3S) })
            runs.AddRange(SamplerStudySettings.Budgets.Select(budget => new SamplerRun(name, kind, budget)));
        runs.Add(new SamplerRun("adaptive_ode", SamplerKind.AdaptiveOde, null));
        runs.Add(new SamplerRun("pc", SamplerKind.PredictorCorrector, null));
        return runs;
    }
}
