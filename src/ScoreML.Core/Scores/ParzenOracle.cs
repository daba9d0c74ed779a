using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// The exact score of the Gaussian-smoothed empirical distribution (DLSM Eq. 2):
/// p_sigma(x) = 1/n sum_i N(x; a x_i, sigma^2 I), grad log p_sigma(x) = (a sum_i w_i x_i - x) / sigma^2 with
/// w = softmax_i(-|x - a x_i|^2 / (2 sigma^2)). The factor a is the SDE's mean coefficient (1 for VE).
/// Data are visited in blocks with a running log-sum-exp, so 100k points and more fit in memory. Computed in float64 by
/// default; single precision is about twice as fast and close enough to drive a sampler.
/// With labels it also gives, in the DLSM paper's terms, the posterior score grad log p_sigma(x | y) (the Parzen score of
/// class y's points alone) and the likelihood score grad log p_sigma(y | x) = grad log p_sigma(x | y) - grad log p_sigma(x).
/// </summary>
public sealed class ParzenOracle : IDisposable
{
    const int DataBlock = 1024;
    const int QueryBlock = 256;
    const int DirectDifferenceDimensions = 4;

    readonly Tensor data;                 // [n, D] in the working precision
    readonly Tensor squaredNorms;         // [n]
    readonly ParzenOracle[]? perClass;    // index = class
    readonly ScalarType precision;

    /// <param name="points">Row-major [count, dimension] points.</param>
    /// <param name="dimension">D.</param>
    /// <param name="labels">Optional class of each point, 0-based.</param>
    /// <param name="singlePrecision">Compute in float32 instead of float64 (results are still returned as float64).</param>
    public ParzenOracle(float[] points, int dimension, int[]? labels = null, bool singlePrecision = false)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        if (points.Length == 0 || points.Length % dimension != 0)
            throw new ArgumentException($"The oracle needs a non-empty [count, {dimension}] array; got {points.Length} values.", nameof(points));
        Dimension = dimension;
        Count = points.Length / dimension;
        precision = singlePrecision ? ScalarType.Float32 : ScalarType.Float64;
        data = tensor(points, new long[] { Count, dimension }).to(precision);
        squaredNorms = data.square().sum(1);
        if (labels is null) return;
        if (labels.Length != Count) throw new ArgumentException($"{labels.Length} labels for {Count} points.", nameof(labels));
        if (labels.Any(l => l < 0)) throw new ArgumentOutOfRangeException(nameof(labels), "Labels must be 0-based class indices.");
        ClassCount = labels.Max() + 1;
        perClass = new ParzenOracle[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            int cls = c;
            float[] subset = Enumerable.Range(0, Count).Where(i => labels[i] == cls)
                .SelectMany(i => points.AsSpan(i * dimension, dimension).ToArray()).ToArray();
            if (subset.Length == 0) throw new ArgumentException($"Class {c} has no points; labels must be 0..{ClassCount - 1} without gaps.", nameof(labels));
            perClass[c] = new ParzenOracle(subset, dimension, null, singlePrecision);
        }
    }

    /// <summary>The dimension D of the points.</summary>
    public int Dimension { get; }
    /// <summary>Number of points.</summary>
    public int Count { get; }
    /// <summary>Number of classes (the largest label + 1); 0 for an oracle built without labels.</summary>
    public int ClassCount { get; }

    /// <summary>grad_x log p_sigma(x) for x [m, D]; sigma and meanCoefficient are scalars or [m] tensors. Returns float64 [m, D].</summary>
    public Tensor Score(Tensor x, Tensor sigma, Tensor? meanCoefficient = null) => Evaluate(x, sigma, meanCoefficient).Score;

    /// <summary>log p_sigma(x), float64 [m].</summary>
    public Tensor LogDensity(Tensor x, Tensor sigma, Tensor? meanCoefficient = null) => Evaluate(x, sigma, meanCoefficient).LogDensity;

    /// <summary>The posterior score grad_x log p_sigma(x | y) for the 0-based class of each row.</summary>
    public Tensor PosteriorScore(Tensor x, Tensor sigma, Tensor labels, Tensor? meanCoefficient = null)
    {
        var classes = RequireClasses();
        using var scope = NewDisposeScope();
        var rows = x.shape[0];
        var s = Broadcast(sigma, rows, x.device);
        var a = Broadcast(meanCoefficient ?? ones(1, dtype: ScalarType.Float64, device: x.device), rows, x.device);
        var result = zeros(new[] { rows, (long)Dimension }, dtype: ScalarType.Float64, device: x.device);
        var y = labels.to(ScalarType.Int64).to(x.device);
        for (int c = 0; c < classes.Length; c++)
        {
            var index = nonzero(y == c).flatten();
            if (index.shape[0] == 0) continue;
            result.index_copy_(0, index, classes[c].Score(x.index_select(0, index), s.index_select(0, index), a.index_select(0, index)));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The likelihood score grad_x log p_sigma(y | x) = posterior score - prior (marginal) score.</summary>
    public Tensor LikelihoodScore(Tensor x, Tensor sigma, Tensor labels, Tensor? meanCoefficient = null)
    {
        using var scope = NewDisposeScope();
        return (PosteriorScore(x, sigma, labels, meanCoefficient) - Score(x, sigma, meanCoefficient)).MoveToOuterDisposeScope();
    }

    /// <summary>The oracle as a <see cref="ScoreFunction"/> of diffusion time under <paramref name="sde"/> (returns x's dtype).</summary>
    public ScoreFunction AsScoreFunction(StochasticDifferentialEquation sde) =>
        (x, t) => Score(x, sde.MarginalStd(t), sde.MeanCoefficient(t)).to(x.dtype);

    /// <summary>The posterior score grad log p_t(x | y) as a <see cref="ConditionalScoreFunction"/> of diffusion time under <paramref name="sde"/>.</summary>
    public ConditionalScoreFunction AsConditionalScoreFunction(StochasticDifferentialEquation sde) =>
        (x, t, labels) => PosteriorScore(x, sde.MarginalStd(t), labels, sde.MeanCoefficient(t)).to(x.dtype);

    (Tensor Score, Tensor LogDensity) Evaluate(Tensor x, Tensor sigma, Tensor? meanCoefficient)
    {
        if (x.dim() != 2 || x.shape[1] != Dimension)
            throw new ArgumentException($"Queries must be [rows, {Dimension}]; got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        long rows = x.shape[0];
        var device = x.device;
        var q = x.to(precision);
        var s = Broadcast(sigma, rows, device).to(precision);
        var a = Broadcast(meanCoefficient ?? ones(1, dtype: ScalarType.Float64, device: device), rows, device).to(precision);
        bool unitMean = meanCoefficient is null || (a == 1).all().item<bool>();   // VE: skip scaling the data by a
        var scores = new List<Tensor>();
        var logDensities = new List<Tensor>();
        for (long start = 0; start < rows; start += QueryBlock)
        {
            long length = Math.Min(QueryBlock, rows - start);
            var (score, logDensity) = EvaluateBlock(q.narrow(0, start, length), s.narrow(0, start, length), a.narrow(0, start, length), unitMean);
            scores.Add(score);
            logDensities.Add(logDensity);
        }
        var result = (cat(scores, 0).to(ScalarType.Float64), cat(logDensities, 0).to(ScalarType.Float64));
        result.Item1.MoveToOuterDisposeScope();
        result.Item2.MoveToOuterDisposeScope();
        return result;
    }

    (Tensor Score, Tensor LogDensity) EvaluateBlock(Tensor q, Tensor sigma, Tensor a, bool unitMean)
    {
        var variance = sigma.square();                               // [m]
        var runningMax = full(q.shape[0], double.NegativeInfinity, dtype: precision, device: q.device);
        var runningSum = zeros(q.shape[0], dtype: precision, device: q.device);
        var weightedPoints = zeros_like(q);
        var points = data.to(q.device);
        var norms = squaredNorms.to(q.device);
        for (long start = 0; start < Count; start += DataBlock)
        {
            using var blockScope = NewDisposeScope();
            long length = Math.Min(DataBlock, Count - start);
            var block = points.narrow(0, start, length);
            var logits = SquaredDistances(q, a, block, norms.narrow(0, start, length), unitMean).mul_(-0.5 / variance.unsqueeze(1));
            var newMax = maximum(runningMax, logits.amax(1));
            var rescale = exp(runningMax - newMax);
            var weights = logits.sub_(newMax.unsqueeze(1)).exp_();
            runningSum.mul_(rescale).add_(weights.sum(1));
            weightedPoints.mul_(rescale.unsqueeze(1)).add_(weights.matmul(block));
            runningMax.copy_(newMax);
        }
        var mean = a.unsqueeze(1) * weightedPoints / runningSum.unsqueeze(1);
        var score = (mean - q) / variance.unsqueeze(1);
        var logDensity = runningMax + runningSum.log() - Math.Log(Count) - 0.5 * Dimension * (2 * Math.PI * variance).log();
        return (score, logDensity);
    }

    // |q_i - a_i y_j|^2. In low dimension coordinate by coordinate, which is exact even in single precision; above that through
    // |q|^2 - 2 a q.y + a^2 |y|^2, one matrix product but with cancellation when the points are far from the origin.
    Tensor SquaredDistances(Tensor q, Tensor a, Tensor block, Tensor blockNorms, bool unitMean)
    {
        var scaled = a.unsqueeze(1);
        if (Dimension <= DirectDifferenceDimensions)
        {
            Tensor total = zeros(0);
            for (int j = 0; j < Dimension; j++)
            {
                var column = block.select(1, j).unsqueeze(0);
                var difference = q.select(1, j).unsqueeze(1) - (unitMean ? column : scaled * column);
                total = j == 0 ? difference.mul_(difference) : total.addcmul_(difference, difference, 1);
            }
            return total;
        }
        return (q.matmul(block.t()).mul_(-2 * scaled)).add_(q.square().sum(1).unsqueeze(1)).add_(scaled.square() * blockNorms.unsqueeze(0)).clamp_min_(0);
    }

    static Tensor Broadcast(Tensor value, long rows, Device device)
    {
        var v = value.to(ScalarType.Float64).to(device).flatten();
        if (v.shape[0] == rows) return v;
        if (v.shape[0] == 1) return v.expand(rows).contiguous();
        throw new ArgumentException($"Expected a scalar or {rows} values per row; got {v.shape[0]}.");
    }

    ParzenOracle[] RequireClasses() =>
        perClass ?? throw new InvalidOperationException("This oracle was built without labels; pass labels to the constructor for class-conditional scores.");

    /// <summary>Frees the points' tensors, those of every class included.</summary>
    public void Dispose()
    {
        data.Dispose();
        squaredNorms.Dispose();
        if (perClass is not null) foreach (var c in perClass) c.Dispose();
    }
}
