using ScoreML;

namespace TwoMoons;

/// <summary>One sampler at one budget: how it is configured, and what it cost and gave.</summary>
internal sealed record SamplerRun(string Sampler, SamplerKind Kind, int? Budget)
{
    /// <summary>Network evaluations per sample, counted on the guided score (the PC sampler's predictor and corrector both count).</summary>
    public double CountedEvaluations { get; set; }

    /// <summary>Wall seconds per 1,000 guided samples in each timing round.</summary>
    public List<double> SecondsPerThousandRounds { get; } = new();

    /// <summary>The median over the timing rounds.</summary>
    public double SecondsPerThousand => SecondsPerThousandRounds.Order().ElementAt(SecondsPerThousandRounds.Count / 2);

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
