namespace FashionMnist;

/// <summary>Picture grids of images: one grid row per class.</summary>
internal static class ImageGrid
{
    /// <summary>Up to <paramref name="columns"/> images of each class, in the order they come, one grid row per class.</summary>
    public static List<List<float[]>> ByClass(float[] pixels, int[] labels, int size, int columns)
    {
        var rows = Enumerable.Range(0, labels.Max() + 1).Select(_ => new List<float[]>()).ToList();
        for (int i = 0; i < labels.Length; i++)
            if (rows[labels[i]].Count < columns) rows[labels[i]].Add(pixels.AsSpan(i * size, size).ToArray());
        return rows;
    }
}
