namespace TwoMoons;

/// <summary>
/// The two-moons study's sizes. Full follows the DLSM authors' toy code (chen-hao-chao/dlsm-toy), which produced the paper's
/// Table 1: 40,000 Adam steps at batch 4000 for every network, 10,000 samples per class. Quick keeps every method and
/// measurement but trains and samples far less, to finish in about a minute.
/// </summary>
internal sealed record StudySettings(int Rows, int ScoreSteps, int ClassifierSteps, int BatchSize, int SamplesPerClass, int SamplerSteps,
    int GridDensity, int MonitorInterval)
{
    public static StudySettings Full { get; } = new(Rows: 10_000, ScoreSteps: 40_000, ClassifierSteps: 40_000, BatchSize: 4000,
        SamplesPerClass: 10_000, SamplerSteps: 1000, GridDensity: 35, MonitorInterval: 2000);

    public static StudySettings Quick { get; } = new(Rows: 10_000, ScoreSteps: 800, ClassifierSteps: 400, BatchSize: 1000,
        SamplesPerClass: 500, SamplerSteps: 100, GridDensity: 35, MonitorInterval: 100);

    // The authors' settings that both sizes share.
    public const double SigmaMin = 1e-3;
    public const double SigmaMax = 10;
    public const double EvaluationSigma = 7.5;
    public const double ScoreLearningRate = 6.5e-4;
    public const double ClassifierLearningRate = 1e-5;
    public const double DlsmOnlyLearningRate = 2e-5;
    public const double Lambda = 0.125;
    public const double ScalingAlpha = 10;
    /// <summary>The class-conditional model's label dropout (the library's default; Ho and Salimans find 0.1 to 0.2 best).</summary>
    public const double LabelDropout = 0.1;
    public const int NearestK = 5;
    public const double GridHalfWidth = 40;
    public const double GridHalfHeight = 25;
}
