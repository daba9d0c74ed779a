namespace ScoreML.Tool.Inputs;

/// <summary>
/// Rows read from one input (an image folder, an IDX, CSV or NPY file): row-major floats, images in [0, 1] with their
/// shape, and which rows of the whole input these are (all of them unless a shard was asked for).
/// </summary>
internal sealed record DataSet(string Path, string Kind, float[] Values, int Rows, int Dimension, ImageShape? Shape, long FirstRow, long SourceRows)
{
    /// <summary>"image folder 'x' (12 images of 3x32x32)", for messages.</summary>
    public string Describe() =>
        $"{Kind} '{Path}' ({Rows}{(FirstRow > 0 || Rows != SourceRows ? $" of {SourceRows}" : "")} {(Shape is null ? $"rows of {Dimension} values" : $"images of {Shape}")})";

    /// <summary>Rows <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1 of a whole set.</summary>
    public DataSet Slice(long first, int count) =>
        this with { Values = Values.AsSpan(checked((int)(first * Dimension)), count * Dimension).ToArray(), Rows = count, FirstRow = FirstRow + first };
}
