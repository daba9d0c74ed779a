namespace TwoMoons;

/// <summary>
/// Sizes of the sampler study (--samplers). Networks use the library's defaults (ScoreModelOptions, MlpOptions,
/// DlsmClassifierOptions: lambda = sigma^2, log-sigma input, score output scaled by 1/sigma, EMA 0.999, Adam 1e-3); only the
/// steps, the batch and the sample counts are set here. Quick took 35-38 s and Full 2 min 18 s with --threads 1 on a shared 2-core EPYC.
/// </summary>
internal sealed record SamplerStudySettings(int Rows, int ScoreSteps, int ClassifierSteps, int BatchSize, int SamplesPerClass, int Resamples)
{
    public static SamplerStudySettings Quick { get; } = new(Rows: 10_000, ScoreSteps: 1500, ClassifierSteps: 300, BatchSize: 1000,
        SamplesPerClass: 300, Resamples: 200);

    public static SamplerStudySettings Full { get; } = new(Rows: 10_000, ScoreSteps: 10_000, ClassifierSteps: 2000, BatchSize: 1000,
        SamplesPerClass: 1000, Resamples: 200);

    /// <summary>The evaluation budgets of the fixed-step samplers, network evaluations per sample.</summary>
    public static readonly int[] Budgets = { 10, 20, 50, 100 };

    /// <summary>The largest budget at which a fast sampler is compared with the PC sampler.</summary>
    public const int FastBudget = 50;

    /// <summary>The toy code's k of precision and recall.</summary>
    public const int NearestK = 5;

    /// <summary>The moons' scale, as the Table-1 study: with sigma_min = 0.01 (the library's default) the final noise is 1/2000 of
    /// the moons' radius of 20, so samples can lie on the curves.</summary>
    public const double Scale = 20;

    /// <summary>Round-robin rounds of the wall-time measurement; the median is reported.</summary>
    public const int TimingRounds = 3;

    /// <summary>The sampler's batch: results depend on it (the PC corrector uses batch-mean norms), so it is fixed.</summary>
    public const int SamplerBatch = 1000;
}
