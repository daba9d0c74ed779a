using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// Squared Euclidean distances between rows of two point sets, computed fast and decided exactly. The fast path is one
/// float32 matrix product per block, |a|^2 + |b|^2 - 2 a.b, on points centred on a common origin (which keeps the norms,
/// and so the round-off, near the size of the distances); blocks are centred as they are needed, so no second copy of
/// either set is held. Every value comes with a bound on its round-off; a decision (is d^2 below a radius? which
/// neighbours are nearest?) that the bound cannot settle is made again from the float64 distance of the original float32
/// points, sum (a - b)^2. The answers are those of an exact float64 computation.
/// </summary>
internal sealed class SquaredDistances : IDisposable
{
    // Round-off bound of a fast value, relative to |a|^2 + |b|^2 of the centred points. A float32 dot product of length D
    // errs by about sqrt(D) * 2^-24 |a||b| in practice (blocked sums); 3e-5 covers D up to ~10^5 with a wide margin. Too
    // small a bound would let a wrong decision through (the tests compare with a float64 computation); too large only
    // sends more pairs to the exact path.
    internal const double RelativeBound = 3e-5;
    const long ExactChunkValues = 1 << 21;   // doubles per side of a float64 re-computation (16 MiB)
    const int NormChunk = 2048;    // rows per float64 temporary when computing norms

    readonly Tensor a, b, origin, aNorms, bNorms;

    /// <param name="a">[n, D] float32 points.</param>
    /// <param name="b">[m, D] float32 points (may be the same tensor as <paramref name="a"/>).</param>
    /// <param name="origin">[D] float64 centre for the fast path, e.g. the mean of one set.</param>
    public SquaredDistances(Tensor a, Tensor b, Tensor origin)
    {
        this.a = a.alias();
        this.b = b.alias();
        this.origin = origin.alias();
        aNorms = Norms(a);
        bNorms = ReferenceEquals(a, b) ? aNorms.alias() : Norms(b);
        MaxBNorm = bNorms.max().item<float>();
    }

    /// <summary>Rows per float64 re-computation: a chunk of about 16 MiB per side.</summary>
    long ExactChunk => Math.Max(1, ExactChunkValues / a.shape[1]);

    public long RowsA => a.shape[0];
    public long RowsB => b.shape[0];
    /// <summary>The largest |b|^2 (centred), for a per-row bound that holds for every column.</summary>
    public double MaxBNorm { get; }

    /// <summary>Rows of a, minus the origin in float64 (exact for float32 inputs), rounded to float32: [count, D].</summary>
    public Tensor CentredA(long start, long count) => Centre(a, start, count);
    public Tensor CentredB(long start, long count) => Centre(b, start, count);

    Tensor Centre(Tensor points, long start, long count) => (points.narrow(0, start, count).to(ScalarType.Float64) - origin).to(ScalarType.Float32);

    /// <summary>|x - origin|^2 of every row, computed in float64, stored as float32.</summary>
    Tensor Norms(Tensor points)
    {
        var norms = empty(points.shape[0], dtype: ScalarType.Float32);
        for (long start = 0; start < points.shape[0]; start += NormChunk)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(NormChunk, points.shape[0] - start);
            norms.narrow(0, start, n).copy_((points.narrow(0, start, n).to(ScalarType.Float64) - origin).pow(2).sum(1));
        }
        return norms;
    }

    /// <summary>Fast float32 squared distances between centred blocks that start at rows <paramref name="aStart"/> and <paramref name="bStart"/>.</summary>
    public Tensor Fast(Tensor aCentred, long aStart, Tensor bCentred, long bStart)
    {
        var nA = aNorms.narrow(0, aStart, aCentred.shape[0]).unsqueeze(1);
        var nB = bNorms.narrow(0, bStart, bCentred.shape[0]).unsqueeze(0);
        return addmm(nA + nB, aCentred, bCentred.t(), beta: 1, alpha: -2).clamp_min_(0);
    }

    /// <summary>The round-off bound of each fast value of a block, [aCount, bCount].</summary>
    public Tensor Bound(long aStart, long aCount, long bStart, long bCount) =>
        (aNorms.narrow(0, aStart, aCount).unsqueeze(1) + bNorms.narrow(0, bStart, bCount).unsqueeze(0)) * (float)RelativeBound;

    /// <summary>The bound for row <c>i</c> of a against any column: [aCount, 1].</summary>
    public Tensor RowBound(long aStart, long aCount) =>
        (aNorms.narrow(0, aStart, aCount).unsqueeze(1).to(ScalarType.Float64) + MaxBNorm) * RelativeBound;

    /// <summary>Exact float64 squared distances of the pairs (a[i], b[j]) for index tensors of equal length.</summary>
    public Tensor Exact(Tensor aIndex, Tensor bIndex)
    {
        long count = aIndex.shape[0];
        if (count == 0) return empty(0, dtype: ScalarType.Float64);
        var parts = new List<Tensor>();
        long chunk = ExactChunk;
        for (long start = 0; start < count; start += chunk)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(chunk, count - start);
            var x = a.index_select(0, aIndex.narrow(0, start, n)).to(ScalarType.Float64);
            var y = b.index_select(0, bIndex.narrow(0, start, n)).to(ScalarType.Float64);
            parts.Add((x - y).pow_(2).sum(1).MoveToOuterDisposeScope());
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }

    /// <summary>Exact float64 squared distances of a's row <paramref name="row"/> to every row of b, [m].</summary>
    public Tensor ExactRow(long row)
    {
        using var scope = NewDisposeScope();
        var x = a.narrow(0, row, 1).to(ScalarType.Float64);
        var parts = new List<Tensor>();
        for (long start = 0; start < RowsB; start += ExactChunk)
            parts.Add((b.narrow(0, start, Math.Min(ExactChunk, RowsB - start)).to(ScalarType.Float64) - x).pow_(2).sum(1));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        a.Dispose(); b.Dispose(); origin.Dispose(); aNorms.Dispose(); bNorms.Dispose();
    }
}
