using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Tool.Inputs;

/// <summary>Rows read by the tool as an ML.NET view with a <c>Features</c> column: typed as an image (C x H x W) for images, so the trainer picks the U-Net, else a plain vector.</summary>
internal static class DataViews
{
    public static IDataView ToView(MLContext ml, DataSet data)
    {
        if (data.Shape is ImageShape shape) return new LabelledImages(data.Values, new int[data.Rows], shape, new[] { "data" }).ToDataView(ml);
        int d = data.Dimension;
        var rows = Enumerable.Range(0, data.Rows).Select(i => new Row { Features = data.Values.AsSpan(i * d, d).ToArray() }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }
}
