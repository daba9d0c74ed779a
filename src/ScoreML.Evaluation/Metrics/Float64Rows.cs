using System.Numerics;

namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// Float64 arithmetic on float32 feature rows, vectorised, in managed memory: centring, squared norms, exact squared
/// distances and column means. The difference of two float32 values is exact in float64, so these are the reference values
/// the fast float32 matrix products are checked against. Working on the caller's arrays directly means no copy of a whole
/// feature set is ever made.
/// </summary>
internal static class Float64Rows
{
    static readonly int Floats = Vector<float>.Count;

    /// <summary>sum_c (x_c - y_c)^2 in float64.</summary>
    public static double SquaredDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var low = Vector<double>.Zero;
        var high = Vector<double>.Zero;
        int c = 0;
        for (; c <= x.Length - Floats; c += Floats)
        {
            Vector.Widen(new Vector<float>(x[c..]), out var x0, out var x1);
            Vector.Widen(new Vector<float>(y[c..]), out var y0, out var y1);
            var d0 = x0 - y0;
            var d1 = x1 - y1;
            low += d0 * d0;
            high += d1 * d1;
        }
        double sum = Vector.Sum(low + high);
        for (; c < x.Length; c++)
        {
            double d = (double)x[c] - y[c];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>sum_c (x_c - origin_c)^2 in float64.</summary>
    public static double SquaredNorm(ReadOnlySpan<float> x, ReadOnlySpan<double> origin)
    {
        var low = Vector<double>.Zero;
        var high = Vector<double>.Zero;
        int half = Vector<double>.Count;
        int c = 0;
        for (; c <= x.Length - Floats; c += Floats)
        {
            Vector.Widen(new Vector<float>(x[c..]), out var x0, out var x1);
            var d0 = x0 - new Vector<double>(origin[c..]);
            var d1 = x1 - new Vector<double>(origin[(c + half)..]);
            low += d0 * d0;
            high += d1 * d1;
        }
        double sum = Vector.Sum(low + high);
        for (; c < x.Length; c++)
        {
            double d = x[c] - origin[c];
            sum += d * d;
        }
        return sum;
    }

    /// <summary>destination = x - origin, subtracted in float64 and rounded once to float32.</summary>
    public static void Centre(ReadOnlySpan<float> x, ReadOnlySpan<double> origin, Span<float> destination)
    {
        int half = Vector<double>.Count;
        int c = 0;
        for (; c <= x.Length - Floats; c += Floats)
        {
            Vector.Widen(new Vector<float>(x[c..]), out var x0, out var x1);
            Vector.Narrow(x0 - new Vector<double>(origin[c..]), x1 - new Vector<double>(origin[(c + half)..])).CopyTo(destination[c..]);
        }
        for (; c < x.Length; c++) destination[c] = (float)(x[c] - origin[c]);
    }

    /// <summary>destination = x - origin in float64.</summary>
    public static void Centre(ReadOnlySpan<float> x, ReadOnlySpan<double> origin, Span<double> destination)
    {
        int half = Vector<double>.Count;
        int c = 0;
        for (; c <= x.Length - Floats; c += Floats)
        {
            Vector.Widen(new Vector<float>(x[c..]), out var x0, out var x1);
            (x0 - new Vector<double>(origin[c..])).CopyTo(destination[c..]);
            (x1 - new Vector<double>(origin[(c + half)..])).CopyTo(destination[(c + half)..]);
        }
        for (; c < x.Length; c++) destination[c] = x[c] - origin[c];
    }

    /// <summary>The float64 mean of each column of a feature set.</summary>
    public static double[] ColumnMeans(FeatureMatrix features)
    {
        int d = features.Dimension;
        var sums = new double[d];
        int half = Vector<double>.Count;
        for (int row = 0; row < features.Rows; row++)
        {
            var x = features.Values.AsSpan(row * d, d);
            int c = 0;
            for (; c <= d - Floats; c += Floats)
            {
                Vector.Widen(new Vector<float>(x[c..]), out var x0, out var x1);
                (new Vector<double>(sums, c) + x0).CopyTo(sums, c);
                (new Vector<double>(sums, c + half) + x1).CopyTo(sums, c + half);
            }
            for (; c < d; c++) sums[c] += x[c];
        }
        for (int c = 0; c < d; c++) sums[c] /= features.Rows;
        return sums;
    }
}
