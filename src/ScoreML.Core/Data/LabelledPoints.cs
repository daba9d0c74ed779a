using ScoreML.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML;

/// <summary>A labelled point set held in memory: row-major features and 0-based class labels.</summary>
public sealed class LabelledPoints
{
    /// <param name="features">Row-major [labels.Length, dimension] values; the array is kept, not copied.</param>
    /// <param name="dimension">Values per row.</param>
    /// <param name="labels">0-based class of each row; the array is kept, not copied.</param>
    /// <param name="classCount">Number of classes, the key count of the <c>Label</c> column of <see cref="ToDataView"/>.</param>
    public LabelledPoints(float[] features, int dimension, int[] labels, int classCount)
    {
        if (features.Length != labels.Length * dimension)
            throw new ArgumentException($"{features.Length} feature values do not make {labels.Length} rows of {dimension}.");
        Features = features;
        Dimension = dimension;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>Row-major [Count, Dimension].</summary>
    public float[] Features { get; }
    /// <summary>Values per row.</summary>
    public int Dimension { get; }
    /// <summary>0-based class of each row.</summary>
    public int[] Labels { get; }
    /// <summary>Number of classes; labels are in [0, ClassCount).</summary>
    public int ClassCount { get; }
    /// <summary>Number of rows.</summary>
    public int Count => Labels.Length;

    /// <summary>A copy of row <paramref name="i"/> (0-based), <see cref="Dimension"/> values.</summary>
    public float[] Row(int i) => Features.AsSpan(i * Dimension, Dimension).ToArray();

    /// <summary>
    /// An IDataView with a <c>Features</c> vector column of the fixed size and a key-typed <c>Label</c>
    /// column. ML.NET keys are 1-based in the view (0 means missing): class c reads as key c + 1.
    /// </summary>
    public IDataView ToDataView(MLContext mlContext)
    {
        var rows = Enumerable.Range(0, Count).Select(i => new DataRow { Features = Row(i), Label = (uint)Labels[i] });
        var schema = SchemaDefinition.Create(typeof(DataRow));
        schema[nameof(DataRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Dimension);
        schema[nameof(DataRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), ClassCount);
        return mlContext.Data.LoadFromEnumerable(rows.ToList(), schema);
    }

    // LoadFromEnumerable takes key values from a class 0-based and adds one itself.
    sealed class DataRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
