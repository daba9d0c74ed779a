using ScoreML.Images;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>
/// A labelled image set in memory: rows of Channels x Height x Width floats (channel-major) and 0-based class labels with
/// class names. As an IDataView its <c>Features</c> column is typed as an image (three dimensions, so the trainers pick the
/// image networks) and its <c>Label</c> is a UInt32 key whose KeyValues annotation holds the class names.
/// </summary>
public sealed class LabelledImages
{
    /// <param name="pixels">Row-major [labels.Length, shape.Size] values, each image channel-major; kept, not copied.</param>
    /// <param name="labels">The 0-based class of each image, in [0, classNames.Count); kept, not copied.</param>
    /// <param name="shape">Channels, height and width of every image.</param>
    /// <param name="classNames">The name of each class in label order, at least one; copied.</param>
    public LabelledImages(float[] pixels, int[] labels, ImageShape shape, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(classNames);
        if (pixels.Length != (long)labels.Length * shape.Size)
            throw new ArgumentException($"{pixels.Length} pixel values are not {labels.Length} images of {shape}.", nameof(pixels));
        if (classNames.Count < 1) throw new ArgumentException("At least one class name is needed.", nameof(classNames));
        int bad = Array.FindIndex(labels, l => l < 0 || l >= classNames.Count);
        if (bad >= 0) throw new ArgumentException($"Image {bad} has label {labels[bad]}, outside the {classNames.Count} classes.", nameof(labels));
        Pixels = pixels;
        Labels = labels;
        Shape = shape;
        ClassNames = classNames.ToArray();
    }

    /// <summary>Row-major [Count, Shape.Size] values, each image channel-major (C x H x W).</summary>
    public float[] Pixels { get; }
    /// <summary>The 0-based class of each image.</summary>
    public int[] Labels { get; }
    /// <summary>Channels, height and width of every image.</summary>
    public ImageShape Shape { get; }
    /// <summary>The name of each class, in label order (the Label column's KeyValues).</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The first <paramref name="count"/> images.</summary>
    public LabelledImages Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        return new LabelledImages(Pixels[..(count * Shape.Size)], Labels[..count], Shape, ClassNames);
    }

    /// <summary>The images as an IDataView: <paramref name="featureColumn"/> (image-typed float vector) and <paramref name="labelColumn"/> (key).</summary>
    public IDataView ToDataView(MLContext mlContext, string featureColumn = "Features", string labelColumn = "Label")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        int size = Shape.Size;
        // LoadFromEnumerable stores a key column's uint as a 0-based index (it adds the 1 of ML.NET's 1-based keys itself).
        var rows = Enumerable.Range(0, Count).Select(i => new Row { Features = Pixels.AsSpan(i * size, size).ToArray(), Label = (uint)Labels[i] });
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnName = featureColumn;
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Shape.Channels, Shape.Height, Shape.Width);
        schema["Label"].ColumnName = labelColumn;
        schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), ClassNames.Count);
        var names = ClassNames.Select(n => n.AsMemory()).ToArray();
        schema["Label"].AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(names.Length, names),
            new VectorDataViewType(TextDataViewType.Instance, names.Length));
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }
}
