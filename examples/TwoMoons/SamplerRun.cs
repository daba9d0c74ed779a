using ScoreML;

namespace TwoMoons;

/// <summary>One sampler at one budget: how it is configured, and what it cost and gave. <paramref name="Eta"/> and
/// <paramref name="Churn"/> make DDIM and Heun stochastic (0: the deterministic solvers).</summary>
/// <paramref name="BatchMean"/> runs the PC sampler's corrector with score_sde's batch-mean norms instead of the per-row
/// default, to show what the per-row rule costs or gains.
internal sealed record SamplerRun(string Sampler, SamplerKind Kind, int? Budget, double Eta = 0, double Churn = 0, bool BatchMean = false)
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
        Eta = Eta,
        Churn = Churn,
        CorrectorBatchMeanNorms = BatchMean,
        Steps = Kind == SamplerKind.PredictorCorrector ? 1000 : new SamplerOptions().Steps,
        BatchSize = SamplerStudySettings.SamplerBatch,
        Seed = seed,
    };

    /// <summary>The reference: the PC sampler with the library's default (per-row) corrector.</summary>
    public bool IsPredictorCorrector => Kind == SamplerKind.PredictorCorrector && !BatchMean;

    /// <summary>
    /// The study's runs: the four fixed-step fast samplers at every budget, the two stochastic ones (DDIM with eta = 1, i.e.
    /// DDPM-like ancestral steps, and Heun with EDM's S_churn = 40, its ImageNet setting, over every level), the adaptive ODE,
    /// then PC at 1,000 steps. The stochastic settings are the papers' own, not tuned here.
    /// </summary>
    public static List<SamplerRun> All()
    {
        var runs = new List<SamplerRun>();
        foreach (var (name, kind, eta, churn) in new[]
        {
            ("ddim", SamplerKind.Ddim, 0.0, 0.0), ("heun", SamplerKind.Heun, 0.0, 0.0), ("dpm2m", SamplerKind.DpmSolver2M, 0.0, 0.0),
            ("dpm3s", SamplerKind.DpmSolver3S, 0.0, 0.0), ("ddim_eta1", SamplerKind.Ddim, 1.0, 0.0), ("heun_churn40", SamplerKind.Heun, 0.0, 40.0),
        })
            runs.AddRange(SamplerStudySettings.Budgets.Select(budget => new SamplerRun(name, kind, budget, eta, churn)));
        runs.Add(new SamplerRun("adaptive_ode", SamplerKind.AdaptiveOde, null));
        runs.Add(new SamplerRun("pc", SamplerKind.PredictorCorrector, null));
        runs.Add(new SamplerRun("pc_batch_mean", SamplerKind.PredictorCorrector, null, BatchMean: true));
        return runs;
    }
}
