using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Transforms.Batching;
using ScoreML.Transforms.Persistence;
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

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => BatchMappedDataView.OutputSchema(inputSchema, new SampleMapper(this));

    /// <summary>
    /// The score-model transformer whose Transform made <paramref name="view"/>, or null. A classifier trainer placed right
    /// after the score-model trainer in one chain finds its score model this way.
    /// </summary>
    public static ScoreModelTransformer? ProducerOf(IDataView view) =>
        view is BatchMappedDataView { Mapper: SampleMapper mapper } ? mapper.Parent : null;

    public IDataView Transform(IDataView input) => new BatchMappedDataView(input, new SampleMapper(this));

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("ScoreModelTransformer generates in batches across rows, so it has no row-to-row mapper; use Transform.");

    /// <summary>Generates <paramref name="count"/> samples directly, row-major [count, Dimension].</summary>
    public float[] Generate(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
        var result = new float[(long)count * Model.Dimension];
        // In long: count + BatchSize - 1 overflows an int for a BatchSize near int.MaxValue, which made no batches at all.
        long batches = ((long)count + Sampler.BatchSize - 1) / Sampler.BatchSize;
        for (long b = 0; b < batches; b++)
        {
            long start = b * Sampler.BatchSize;
            GenerateBatch(b, (int)Math.Min(Sampler.BatchSize, count - start)).CopyTo(result, start * Model.Dimension);
        }
        return result;
    }

    /// <summary>Batch <paramref name="batchIndex"/> of the request stream, seeded by (Seed, batch index).</summary>
    internal float[] GenerateBatch(long batchIndex, int rows)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(SamplerSeeds.ForBatch(Sampler.Seed, batchIndex), Model.Device);
        var samples = Transforms.Sampling.Sampler.Sample(Model.AsScoreFunction(), Model.Sde, rows, Model.Dimension, Sampler, generator, Model.Device);
        return samples.cpu().to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>
    /// Saves into an ML.NET model zip (<c>mlContext.Model.Save</c>, alone or inside a chain): the network's architecture and
    /// weights, the SDE, the sampler options and the output column. Load with <c>mlContext.ScoreMatching().Model.Load</c>.
    /// </summary>
    public void Save(ModelSaveContext ctx) => PackageStorage.Save(ctx, SavedTransformers.Pack(this).ToBytes());

    public void Dispose() => Model.Dispose();

    // One sample per input row; the input's values are not used, only its length.
    sealed class SampleMapper : BatchMapper
    {
        readonly ScoreModelTransformer parent;

        public SampleMapper(ScoreModelTransformer parent) => this.parent = parent;

        public ScoreModelTransformer Parent => parent;

        public override int BatchSize => parent.Sampler.BatchSize;

        public override IReadOnlyList<(string Name, DataViewType Type)> OutputColumns =>
            new[] { (parent.OutputColumnName, (DataViewType)new VectorDataViewType(NumberDataViewType.Single, parent.Model.Dimension)) };

        public override IEnumerable<DataViewSchema.Column> InputsNeeded(DataViewSchema inputSchema) => Array.Empty<DataViewSchema.Column>();

        public override (int Rows, Array[] Columns) Map(long batchIndex, DataViewRowCursor rows)
        {
            int count = 0;
            while (count < BatchSize && rows.MoveNext()) count++;
            return (count, new Array[] { parent.GenerateBatch(batchIndex, count) });
        }
    }
}
