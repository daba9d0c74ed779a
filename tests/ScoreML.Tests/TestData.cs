using Microsoft.ML;
using Microsoft.ML.Data;

namespace ScoreML.Tests;

/// <summary>Builds small IDataViews for the tests.</summary>
internal static class TestData
{
    /// <summary>A view with one fixed-size float vector column holding the rows of <paramref name="values"/>.</summary>
    public static IDataView Vectors(MLContext ml, float[] values, int dimension, string column = "Features")
    {
        var rows = Enumerable.Range(0, values.Length / dimension)
            .Select(i => new VectorRow { Features = values.AsSpan(i * dimension, dimension).ToArray() }).ToList();
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[0].ColumnName = column;
        schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>n draws of N(mean, L L^T), row-major, from a seeded Box-Muller stream.</summary>
    public static float[] Gaussian(int count, double[] mean, double[,] cholesky, int seed)
    {
        var random = new Random(seed);
        int d = mean.Length;
        var result = new float[count * d];
        var z = new double[d];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < d; j++)
                z[j] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            for (int j = 0; j < d; j++)
            {
                double v = mean[j];
                for (int k = 0; k <= j; k++) v += cholesky[j, k] * z[k];
                result[i * d + j] = (float)v;
            }
        }
        return result;
    }

    /// <summary>
    /// The SchemaShape of a view, as ML.NET makes it before fitting a chain. Its factory is internal to ML.NET, so the
    /// tests reach it by reflection to check estimators' GetOutputSchema.
    /// </summary>
    public static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static,
            new[] { typeof(DataViewSchema) })!.Invoke(null, new object[] { schema })!;

    public sealed class VectorRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }
}
