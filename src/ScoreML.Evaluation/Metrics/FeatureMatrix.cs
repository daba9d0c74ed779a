using ScoreML.Evaluation.Metrics;
using ScoreML.Data;

namespace ScoreML;

/// <summary>
/// A set of feature vectors, row-major [Rows, Dimension] floats, checked once on the way in: the metrics that consume it
/// never see a ragged, empty or non-finite set. <see cref="Name"/> ("real", "generated") goes into every error message.
/// </summary>
public sealed class FeatureMatrix
{
    /// <param name="values">Row-major [rows, dimension] values, at least one row, every value finite; kept, not copied.</param>
    /// <param name="dimension">Values per row, positive.</param>
    /// <param name="name">Names the set in error messages, e.g. "real" or "generated".</param>
    public FeatureMatrix(float[] values, int dimension, string name = "features")
    {
        ArgumentNullException.ThrowIfNull(values);
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The {name} set's dimension must be positive.");
        if (values.Length == 0) throw new ArgumentException($"The {name} set is empty.", nameof(values));
        if (values.Length % dimension != 0)
            throw new ArgumentException($"The {name} set holds {values.Length} values, not a whole number of rows of {dimension}.", nameof(values));
        int bad = FiniteValues.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException($"Row {bad / dimension} of the {name} set holds {values[bad]} at index {bad % dimension}; every feature must be finite.", nameof(values));
        Values = values;
        Dimension = dimension;
        Rows = values.Length / dimension;
        Name = name;
    }

    /// <summary>Row-major [Rows, Dimension] values.</summary>
    public float[] Values { get; }
    /// <summary>Number of rows, at least 1.</summary>
    public int Rows { get; }
    /// <summary>Values per row.</summary>
    public int Dimension { get; }
    /// <summary>The set's name in error messages.</summary>
    public string Name { get; }

    /// <summary>The rows whose index <paramref name="select"/> accepts, in order (for class-wise metrics).</summary>
    public FeatureMatrix Where(Func<int, bool> select, string name)
    {
        var rows = Enumerable.Range(0, Rows).Where(select).ToArray();
        var values = new float[rows.Length * Dimension];
        for (int i = 0; i < rows.Length; i++) Array.Copy(Values, (long)rows[i] * Dimension, values, (long)i * Dimension, Dimension);
        return new FeatureMatrix(values, Dimension, name);
    }

    /// <summary>Throws unless <paramref name="other"/> has this set's dimension, naming both sets.</summary>
    public void RequireSameDimension(FeatureMatrix other)
    {
        if (other.Dimension != Dimension)
            throw new ArgumentException($"The {Name} set has {Dimension} features per row but the {other.Name} set has {other.Dimension}; " +
                "both must come from the same feature extractor.");
    }
}
