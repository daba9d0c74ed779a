using ScoreML.Evaluation.Metrics;
namespace ScoreML;

/// <summary>Features with a 0-based class per row, for the class-aware metrics (CAS, class-wise PRDC).</summary>
public sealed class LabelledFeatures
{
    /// <param name="features">The rows' features.</param>
    /// <param name="labels">The 0-based class of each row, in [0, classCount).</param>
    /// <param name="classCount">Number of classes, at least 2.</param>
    public LabelledFeatures(FeatureMatrix features, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != features.Rows)
            throw new ArgumentException($"The {features.Name} set has {features.Rows} rows but {labels.Length} labels.", nameof(labels));
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Class-aware metrics need at least two classes.");
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
                throw new ArgumentException($"Row {i} of the {features.Name} set has class {labels[i]}; classes are 0..{classCount - 1}.", nameof(labels));
        }
        Features = features;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>The rows' features.</summary>
    public FeatureMatrix Features { get; }
    /// <summary>The 0-based class of each row.</summary>
    public int[] Labels { get; }
    /// <summary>Number of classes (a class may have no rows).</summary>
    public int ClassCount { get; }

    /// <summary>The rows of class <paramref name="c"/>.</summary>
    public FeatureMatrix OfClass(int c) => Features.Where(i => Labels[i] == c, $"{Features.Name} class-{c}");

    /// <summary>How many rows each class has.</summary>
    public int[] CountsPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int c in Labels) counts[c]++;
        return counts;
    }
}
