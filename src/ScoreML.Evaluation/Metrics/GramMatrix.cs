using static TorchSharp.torch;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// X^T X for float64 matrices, computed from the column strips on and above the diagonal only (about 53 % of a full
/// matrix product at 16 strips; libtorch exposes no symmetric rank-k update), then mirrored into a full symmetric matrix.
/// </summary>
internal static class GramMatrix
{
    const int Strips = 16;

    /// <summary>Adds the upper triangle (and diagonal strips) of x^T x to <paramref name="gram"/> [D, D], in place.</summary>
    public static void AddUpper(Tensor gram, Tensor x)
    {
        long d = x.shape[1];
        long width = (d + Strips - 1) / Strips;
        using var scope = NewDisposeScope();
        for (long i = 0; i < d; i += width)
        {
            long w = Math.Min(width, d - i);
            // rows i..i+w from column i on: a strided view that the matrix product writes in place
            gram.narrow(0, i, w).narrow(1, i, d - i).addmm_(x.narrow(1, i, w).t(), x.narrow(1, i, d - i));
        }
    }

    /// <summary>Keeps the upper triangle of <paramref name="gram"/> and mirrors it below the diagonal, in place.</summary>
    public static Tensor MirrorUpper(Tensor gram)
    {
        using var scope = NewDisposeScope();
        gram.triu_();
        gram.add_(gram.triu(1).t());
        return gram;
    }

    /// <summary>The upper triangle of x^T x (what <c>linalg.eigvalsh(..., UPLO: 'U')</c> reads); below it, partial sums.</summary>
    public static Tensor Upper(Tensor x)
    {
        var gram = zeros(x.shape[1], x.shape[1], dtype: x.dtype);
        AddUpper(gram, x);
        return gram;
    }
}
