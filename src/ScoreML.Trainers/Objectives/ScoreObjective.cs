using ScoreML.Networks;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A noise-conditional score-matching loss. Every objective perturbs clean data x0 to x' = m(t) x0 + std(t) z,
/// evaluates the network at (x', std(t)), and returns lambda(t) = std(t)^2 times its loss for each point, so the
/// objectives are on the same scale and comparable. The trainer averages them, after any extra weighting. The built-ins
/// are named by <see cref="ScoreModelOptions.Objective"/>; a subclass of your own goes in
/// <see cref="ScoreModelOptions.CustomObjective"/>. An objective is used only while training: a model zip holds the network,
/// not the objective, so a custom one needs no registration to save or load the model.
/// </summary>
public abstract class ScoreObjective
{
    /// <summary>The loss of each point [B] for clean data <paramref name="x0"/> [B, D] at times <paramref name="t"/> [B].</summary>
    public abstract Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator);

    /// <summary>Creates the built-in objective the options name, or returns their <see cref="ScoreModelOptions.CustomObjective"/>.</summary>
    public static ScoreObjective Create(ScoreModelOptions options) => (options ?? throw new ArgumentNullException(nameof(options))).CustomObjective ?? options.Objective switch
    {
        Objective.Dsm => new DenoisingScoreMatching(),
        Objective.Lcss => new LocalCurvatureSmoothing(options.LcssGamma),
        Objective.Ssm => new SlicedScoreMatching(options.Projections, options.ProjectionKind),
        Objective.FdSsm => new FiniteDifferenceSlicedScoreMatching(options.Projections, options.ProjectionKind, options.FiniteDifferenceStep),
        Objective.Exact => new ExactScoreMatching(),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Objective, "Unknown objective."),
    };

    /// <summary>Projection vectors of the given shape with E[v v^T] = I.</summary>
    protected static Tensor Projections(long[] shape, ProjectionKind kind, Generator generator, Device device) => kind switch
    {
        ProjectionKind.Gaussian => randn(shape, generator: generator, device: device),
        ProjectionKind.Rademacher => randint(0, 2, shape, generator: generator, device: device).to(ScalarType.Float32) * 2 - 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown projection kind."),
    };
}
