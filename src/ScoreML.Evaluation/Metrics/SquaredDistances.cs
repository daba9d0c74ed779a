using System.Numerics;
using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// Squared Euclidean distances between rows of two point sets, computed fast a block at a time and decided exactly. The
/// fast value is |a|^2 + |b|^2 - 2 a.b on points centred on a common origin (which keeps the norms, and so the round-off,
/// near the size of the distances), the products in one float32 matrix multiplication per block. Every fast value comes
/// with a bound on its round-off (<see cref="Bound"/>); a decision the bound cannot settle is made again from
/// <see cref="Exact"/>, the float64 sum of (a - b)^2 over the original float32 points. The answers are those of an exact
/// float64 computation.
/// </summary>
/// <remarks>
/// Memory: the sets stay in the caller's arrays. Only the current blocks exist in centred form, in native buffers that
/// managed code fills and scans in place (<see cref="TensorMemory"/>): the matrix product writes the block once and the
/// consumers read it once, with no tensor temporaries.
/// </remarks>
internal sealed class SquaredDistances : IDisposable
{
    // Round-off bound of a fast value, relative to |a|^2 + |b|^2 of the centred points. A float32 dot product of length D
    // errs by about sqrt(D) * 2^-24 |a||b| in practice (blocked sums); 3e-5 covers D up to ~10^5 with a wide margin. Too
    // small a bound would let a wrong decision through (the tests compare with a float64 computation); too large only
    // sends more pairs to the exact path.
    internal const float RelativeBound = 3e-5f;

    readonly FeatureMatrix a, b;
    readonly int dimension;
    readonly double maxNormB;
    readonly Tensor aBlock, bBlock, block;
    (int Start, int Count) aHeld = (-1, 0), bHeld = (-1, 0);

    /// <param name="a">The row set.</param>
    /// <param name="b">The column set (may be <paramref name="a"/>).</param>
    /// <param name="origin">The common centre, e.g. the mean of one set.</param>
    /// <param name="maxRowsA">The most rows of a block.</param>
    /// <param name="maxRowsB">The most columns of a block.</param>
    public SquaredDistances(FeatureMatrix a, FeatureMatrix b, double[] origin, int maxRowsA, int maxRowsB)
    {
        this.a = a;
        this.b = b;
        dimension = a.Dimension;
        NormsA = Norms(a, origin);
        NormsB = ReferenceEquals(a, b) ? NormsA : Norms(b, origin);
        Origin = origin;
        maxNormB = NormsB.Max();
        maxRowsA = Math.Min(maxRowsA, a.Rows);
        maxRowsB = Math.Min(maxRowsB, b.Rows);
        aBlock = empty(maxRowsA, dimension);
        bBlock = empty(maxRowsB, dimension);
        block = empty((long)maxRowsA * maxRowsB);
    }

    public double[] Origin { get; }
    /// <summary>|a_i - origin|^2, computed in float64, stored as float32.</summary>
    public float[] NormsA { get; }
    public float[] NormsB { get; }

    /// <summary>
    /// Fast squared distances of rows [aStart, aStart + aCount) of a to rows [bStart, bStart + bCount) of b, valid until the
    /// next call.
    /// </summary>
    public DistanceBlock Fast(int aStart, int aCount, int bStart, int bCount)
    {
        Hold(a, aBlock, ref aHeld, aStart, aCount);
        bool same = ReferenceEquals(a, b) && aStart == bStart && aCount == bCount;
        if (!same) Hold(b, bBlock, ref bHeld, bStart, bCount);
        using (NewDisposeScope())
        {
            var rows = aBlock.narrow(0, 0, aCount);
            var columns = same ? rows : bBlock.narrow(0, 0, bCount);
            var products = block.narrow(0, 0, (long)aCount * bCount).view(aCount, bCount);
            products.addmm_(rows, columns.t(), beta: 0, alpha: -2);   // beta 0: the buffer's old contents are ignored
        }
        var normsA = NormsA;
        var normsB = NormsB;
        var values = block;
        ParallelRanges.For(aCount, (start, count) =>
        {
            for (int i = start; i < start + count; i++)
            {
                var row = TensorMemory.Floats(values).Slice(i * bCount, bCount);
                float nA = normsA[aStart + i];
                var nB = normsB.AsSpan(bStart, bCount);
                var nAs = new Vector<float>(nA);
                int j = 0;
                for (; j <= row.Length - Vector<float>.Count; j += Vector<float>.Count)
                    Vector.Max(Vector<float>.Zero, new Vector<float>(row[j..]) + nAs + new Vector<float>(nB[j..])).CopyTo(row[j..]);
                for (; j < row.Length; j++) row[j] = Math.Max(0f, row[j] + nA + nB[j]);
            }
        });
        return new DistanceBlock(block, aStart, aCount, bStart, bCount);
    }

    /// <summary>The round-off bound of the fast value of the pair (a_i, b_j).</summary>
    public float Bound(int i, int j) => (NormsA[i] + NormsB[j]) * RelativeBound;

    /// <summary>A bound for row <paramref name="i"/> of a against every row of b.</summary>
    public double RowBound(int i) => ((double)NormsA[i] + maxNormB) * RelativeBound;

    /// <summary>The exact float64 squared distance of a_i and b_j.</summary>
    public double Exact(int i, int j) => Float64Rows.SquaredDistance(a.Values.AsSpan(i * dimension, dimension), b.Values.AsSpan(j * dimension, dimension));

    /// <summary>Exact float64 squared distances of a_i to every row of b.</summary>
    public double[] ExactRow(int i)
    {
        var result = new double[b.Rows];
        for (int j = 0; j < result.Length; j++) result[j] = Exact(i, j);
        return result;
    }

    void Hold(FeatureMatrix set, Tensor buffer, ref (int Start, int Count) held, int start, int count)
    {
        if (held == (start, count)) return;
        int d = dimension;
        var values = set.Values;
        var origin = Origin;
        ParallelRanges.For(count, (first, rows) =>
        {
            for (int r = first; r < first + rows; r++)
                Float64Rows.Centre(values.AsSpan((start + r) * d, d), origin, TensorMemory.Floats(buffer).Slice(r * d, d));
        });
        held = (start, count);
    }

    static float[] Norms(FeatureMatrix set, double[] origin)
    {
        var norms = new float[set.Rows];
        int d = set.Dimension;
        ParallelRanges.For(set.Rows, (start, count) =>
        {
            for (int i = start; i < start + count; i++) norms[i] = (float)Float64Rows.SquaredNorm(set.Values.AsSpan(i * d, d), origin);
        });
        return norms;
    }

    public void Dispose()
    {
        aBlock.Dispose();
        bBlock.Dispose();
        block.Dispose();
    }
}

/// <summary>
/// Fast squared distances between rows [RowStart, RowStart + Rows) of one set and [ColumnStart, ColumnStart + Columns) of
/// another, row-major in a native buffer that the next block overwrites.
/// </summary>
internal readonly record struct DistanceBlock(Tensor Values, int RowStart, int Rows, int ColumnStart, int Columns)
{
    public ReadOnlySpan<float> Row(int r) => TensorMemory.Floats(Values).Slice(r * Columns, Columns);
}
