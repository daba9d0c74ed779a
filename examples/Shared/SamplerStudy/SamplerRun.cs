using ScoreML;

namespace ScoreML.Examples;

/// <summary>
/// One sampler at one budget in a sampler study (the two-moons and Fashion-MNIST examples' --samplers): how it is configured,
/// and what it cost and gave. <paramref name="Eta"/> and <paramref name="Churn"/> make DDIM and Heun stochastic (0: the
/// deterministic solvers); <paramref name="BatchMean"/> runs the PC sampler's corrector with score_sde's batch-mean norms
/// instead of the per-row default, to show what the per-row rule costs or gains; <paramref name="OdeTolerance"/> sets the
/// adaptive ODE's relative and absolute tolerance (null: the library's default, 1e-5, score_sde's).
/// </summary>
internal sealed record SamplerRun(string Sampler, SamplerKind Kind, int? Budget, double Eta = 0, double Churn = 0, bool BatchMean = false,
    double? OdeTolerance = null)
{
    /// <summary>The PC sampler's steps (predictor and Langevin corrector each evaluate the network once per step).</summary>
    public const int PredictorCorrectorSteps = 1000;

    /// <summary>Network evaluations per sample, counted on the guided score (the PC sampler's predictor and corrector both count).</summary>
    public double CountedEvaluations { get; set; }

    /// <summary>Wall seconds per 1,000 guided samples in each timing round.</summary>
    public List<double> SecondsPerThousandRounds { get; } = new();

    /// <summary>The median over the timing rounds.</summary>
    public double SecondsPerThousand => SecondsPerThousandRounds.Order().ElementAt(SecondsPerThousandRounds.Count / 2);

    /// <summary>Metric name to estimate (with its 95 % interval).</summary>
    public Dictionary<string, Estimate> Quality { get; } = new();

    /// <summary>The sampler options of this run: the library's defaults for the kind, with the budget and the study's batch and seed.</summary>
    public SamplerOptions Options(int seed, int batchSize) => new()
    {
        Kind = Kind,
        Evaluations = Budget,
        Eta = Eta,
        Churn = Churn,
        CorrectorBatchMeanNorms = BatchMean,
        RelativeTolerance = OdeTolerance ?? new SamplerOptions().RelativeTolerance,
        AbsoluteTolerance = OdeTolerance ?? new SamplerOptions().AbsoluteTolerance,
        Steps = Kind == SamplerKind.PredictorCorrector ? PredictorCorrectorSteps : new SamplerOptions().Steps,
        BatchSize = batchSize,
        Seed = seed,
    };

    /// <summary>The reference: the PC sampler with the library's default (per-row) corrector.</summary>
    public bool IsPredictorCorrector => Kind == SamplerKind.PredictorCorrector && !BatchMean;

    /// <summary>"dpm2m@20", "pc@1000 steps", "adaptive_ode".</summary>
    public string Label => Budget is int budget ? $"{Sampler}@{budget}" : Kind == SamplerKind.PredictorCorrector ? $"{Sampler}@{PredictorCorrectorSteps} steps" : Sampler;

    /// <summary>
    /// A study's runs: the four fixed-step fast samplers at every budget, the two stochastic ones (DDIM with eta = 1, i.e.
    /// DDPM-like ancestral steps, and Heun with EDM's S_churn = 40, its ImageNet setting, over every level), PC at 1,000
    /// steps (and, if asked, PC with batch-mean corrector norms), then the adaptive ODE at <paramref name="odeTolerance"/>
    /// (null: the library's default). The stochastic settings are the papers' own, not tuned here. PC comes before the ODE
    /// because it is the reference every verdict needs, and the ODE's cost is the one not known in advance.
    /// </summary>
    public static List<SamplerRun> All(IReadOnlyList<int> budgets, bool withBatchMeanPredictorCorrector, double? odeTolerance = null)
    {
        var runs = new List<SamplerRun>();
        foreach (var (name, kind, eta, churn) in new[]
        {
            ("ddim", SamplerKind.Ddim, 0.0, 0.0), ("heun", SamplerKind.Heun, 0.0, 0.0), ("dpm2m", SamplerKind.DpmSolver2M, 0.0, 0.0),
            ("dpm3s", SamplerKind.DpmSolver3S, 0.0, 0.0), ("ddim_eta1", SamplerKind.Ddim, 1.0, 0.0), ("heun_churn40", SamplerKind.Heun, 0.0, 40.0),
        })
            runs.AddRange(budgets.Select(budget => new SamplerRun(name, kind, budget, eta, churn)));
        runs.Add(new SamplerRun("pc", SamplerKind.PredictorCorrector, null));
        if (withBatchMeanPredictorCorrector) runs.Add(new SamplerRun("pc_batch_mean", SamplerKind.PredictorCorrector, null, BatchMean: true));
        runs.Add(new SamplerRun("adaptive_ode", SamplerKind.AdaptiveOde, null, OdeTolerance: odeTolerance));
        return runs;
    }

    /// <summary>The best run at most <paramref name="fastBudget"/> counted evaluations for <paramref name="metric"/>, PC aside.</summary>
    public static SamplerRun BestFast(IEnumerable<SamplerRun> runs, string metric, bool higherIsBetter, int fastBudget)
    {
        var fast = runs.Where(r => r.Kind != SamplerKind.PredictorCorrector && r.CountedEvaluations <= fastBudget);
        return higherIsBetter ? fast.MaxBy(r => r.Quality[metric].Value)! : fast.MinBy(r => r.Quality[metric].Value)!;
    }

    /// <summary>Whether this run's interval for <paramref name="metric"/> overlaps <paramref name="reference"/>'s, and if not which is better.</summary>
    public string Verdict(SamplerRun reference, string metric, bool higherIsBetter)
    {
        var (a, b) = (Quality[metric], reference.Quality[metric]);
        if (a.Overlaps(b)) return "matches PC (intervals overlap: cannot tell apart)";
        bool better = higherIsBetter ? a.Value > b.Value : a.Value < b.Value;
        return better ? "better than PC (intervals apart)" : "worse than PC (intervals apart)";
    }
}
