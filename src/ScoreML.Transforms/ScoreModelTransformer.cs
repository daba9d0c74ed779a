using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Transforms;

/// <summary>
/// A fitted score model that generates data: each input row asks for one sample, and the output adds a
/// <c>Generated</c> vector column (name configurable) of the training data's size. Samples are drawn lazily,
/// <see cref="SamplerOptions.BatchSize"/> rows at a time, only when a cursor reads that column.
/// </summary>
public sealed class ScoreModelTransformer : ITransformer, IDisposable
{
    public ScoreModelTransformer(ScoreModel model, SamplerOptions sampler, string outputColumnName = "Generated")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        sampler.Validate();
        Model = model;
        Sampler = sampler.Clone();
        OutputColumnName = outputColumnName;
    }

    public ScoreModel Model { get; }
    public SamplerOptions Sampler { get; }
    public string OutputColumnName { get; }

    /// <summary>The same model with other sampler settings (sampler kind, steps, seed...). Shares the network.</summary>
    public ScoreModelTransformer WithSampler(SamplerOptions sampler) => new(Model, sampler, OutputColumnName);

    public bool IsRowToRowMapper => false;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, Model.Dimension));
        return builder.ToSchema();
    }

    public IDataView Transform(IDataView input) => new GeneratedDataView(input, this);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("ScoreModelTransformer generates in batches across rows, so it has no row-to-row mapper; use Transform.");

    /// <summary>Generates <paramref name="count"/> samples directly, row-major [count, Dimension].</summary>
    public float[] Generate(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
        var result = new float[(long)count * Model.Dimension];
        int batches = (count + Sampler.BatchSize - 1) / Sampler.BatchSize;
        for (int b = 0; b < batches; b++)
        {
            int start = b * Sampler.BatchSize;
            GenerateBatch(b, Math.Min(Sampler.BatchSize, count - start)).CopyTo(result, (long)start * Model.Dimension);
        }
        return result;
    }

    /// <summary>Batch <paramref name="batchIndex"/> of the request stream, seeded by (Seed, batch index).</summary>
    internal float[] GenerateBatch(long batchIndex, int rows)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(BatchSeed(Sampler.Seed, batchIndex), Model.Device);
        var samples = Transforms.Sampling.Sampler.Sample(Model.AsScoreFunction(), Model.Sde, rows, Model.Dimension, Sampler, generator, Model.Device);
        return samples.cpu().to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray();
    }

    // SplitMix64 of (seed, batch): well-separated streams for neighbouring batches and seeds.
    static ulong BatchSeed(int seed, long batch)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)batch + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Saving to an ML.NET model zip is not available yet: ML.NET's save context is internal to ML.NET, and
    /// the CustomMapping-based persistence that works around it is planned with the saved-models work.
    /// </summary>
    public void Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("Saving a ScoreModelTransformer to an ML.NET model zip is not supported in this version; " +
            "keep the fitted transformer in memory or save its network weights with Model.Network.save(path).");

    public void Dispose() => Model.Dispose();
}
