using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Transforms.Batching;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;

namespace ScoreML;

/// <summary>
/// A fitted score model that generates data: each input row asks for one sample, and the output adds a
/// <c>Generated</c> vector column (name configurable) of the training data's size. Samples are drawn lazily,
/// <see cref="SamplerOptions.BatchSize"/> rows at a time, only when a cursor reads that column; a row's sample depends on
/// <see cref="SamplerOptions.Seed"/> and its place in the requests, not on the batch size.
/// </summary>
/// <remarks>
/// Ownership: the transformer takes over the <see cref="ScoreModel"/> it is given and frees it on Dispose. Whatever else
/// uses the network holds a reference of its own (<see cref="ScoreModel.Share"/>): <see cref="WithSampler"/> copies, a
/// classifier fitted on this model and the samplers made from it. The network is freed when the last of them is disposed,
/// in any order, so disposing this transformer never breaks them, nor they it. Dispose may be called more than once;
/// after it, Transform, GetOutputSchema, Generate, WithSampler, Save, <see cref="Model"/> and reading a view this
/// transformer made throw an <see cref="ObjectDisposedException"/> naming ScoreModelTransformer, and Save writes nothing.
/// </remarks>
public sealed class ScoreModelTransformer : ITransformer, IDisposable
{
    readonly ScoreModel model;
    int disposed;

    /// <param name="model">The score model, which this transformer takes over (Dispose frees it).</param>
    /// <param name="sampler">How samples are drawn; checked and copied.</param>
    /// <param name="outputColumnName">The vector column of samples to add; not empty.</param>
    public ScoreModelTransformer(ScoreModel model, SamplerOptions sampler, string outputColumnName = "Generated")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        sampler.Validate();
        this.model = model;
        Sampler = sampler.Clone();
        OutputColumnName = outputColumnName;
    }

    /// <summary>The score model; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public ScoreModel Model
    {
        get
        {
            ThrowIfDisposed();
            return model;
        }
    }

    /// <summary>This transformer's copy of its sampler options (<see cref="WithSampler"/> makes a transformer with others).</summary>
    public SamplerOptions Sampler { get; }
    /// <summary>The vector column of samples the transformer adds (default "Generated").</summary>
    public string OutputColumnName { get; }

    /// <summary>
    /// The same model with other sampler settings (sampler kind, steps, seed...). The copy shares the network through a
    /// reference of its own: dispose it too; either can be disposed first.
    /// </summary>
    public ScoreModelTransformer WithSampler(SamplerOptions sampler)
    {
        ThrowIfDisposed();
        var share = model.Share();
        try
        {
            return new ScoreModelTransformer(share, sampler, OutputColumnName);
        }
        catch
        {
            share.Dispose();
            throw;
        }
    }

    /// <summary>False: samples are drawn in batches of rows, so there is no row-to-row mapper.</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>The input's columns followed by <see cref="OutputColumnName"/>, a vector of the model's dimension in floats. Any
    /// input will do: its rows only count the requests.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        return BatchMappedDataView.OutputSchema(inputSchema, new SampleMapper(this));
    }

    /// <summary>
    /// The score-model transformer whose Transform made <paramref name="view"/>, or null when any other transform made it. The
    /// classifier trainer no longer finds its prior this way (a transform in between lost it): it takes the prior explicitly.
    /// </summary>
    [Obsolete("The DLSM classifier takes its prior explicitly: mlContext.ScoreMatching().Trainers.DlsmClassifier(scoreModelTransformer, options). " +
        "This lookup finds the score model only when nothing stands between it and the view.")]
    public static ScoreModelTransformer? ProducerOf(IDataView view) =>
        view is BatchMappedDataView { Mapper: SampleMapper mapper } ? mapper.Parent : null;

    /// <summary>The input with one sample per row added. Nothing is sampled here: a cursor that reads the output column samples
    /// <see cref="SamplerOptions.BatchSize"/> rows at a time.</summary>
    public IDataView Transform(IDataView input)
    {
        ThrowIfDisposed();
        return new BatchMappedDataView(input, new SampleMapper(this));
    }

    /// <summary>Always throws <see cref="NotSupportedException"/>: samples are drawn in batches across rows; use
    /// <see cref="Transform"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        throw new NotSupportedException("ScoreModelTransformer generates in batches across rows, so it has no row-to-row mapper; use Transform.");
    }

    /// <summary>Generates <paramref name="count"/> samples directly, row-major [count, Dimension].</summary>
    public float[] Generate(int count)
    {
        ThrowIfDisposed();
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
        var result = new float[(long)count * model.Dimension];
        // In long: count + BatchSize - 1 overflows an int for a BatchSize near int.MaxValue, which made no batches at all.
        long batches = ((long)count + Sampler.BatchSize - 1) / Sampler.BatchSize;
        for (long b = 0; b < batches; b++)
        {
            long start = b * Sampler.BatchSize;
            GenerateBatch(b, (int)Math.Min(Sampler.BatchSize, count - start)).CopyTo(result, start * model.Dimension);
        }
        return result;
    }

    /// <summary>
    /// Batch <paramref name="batchIndex"/> of the request stream: each row's noise is keyed by (Seed, the row's index in the
    /// stream), so a row's sample does not depend on the batch size; only the context's Generator is seeded per batch.
    /// </summary>
    internal float[] GenerateBatch(long batchIndex, int rows)
    {
        ThrowIfDisposed();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(SamplerSeeds.ForBatch(Sampler.Seed, batchIndex), model.Device);
        var keys = SamplerSeeds.ForRows(Sampler.Seed, batchIndex * Sampler.BatchSize, rows);
        var samples = ScoreML.Sampler.Sample(model.AsScoreFunction(), model.Sde, model.Dimension, Sampler, generator, keys, model.Device);
        return samples.cpu().to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>
    /// Saves into an ML.NET model zip (<c>mlContext.Model.Save</c>, alone or inside a chain): the network's architecture and
    /// weights, the SDE, the sampler options (with the custom sampler, predictor and corrector they hold, whose types must be
    /// registered with <see cref="ScoreMLRegistry"/>) and the output column. Load with <c>mlContext.ScoreMatching().Model.Load</c>.
    /// A disposed transformer has no weights left to save and throws <see cref="ObjectDisposedException"/> before writing, as
    /// one holding an unregistered type throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public void Save(ModelSaveContext ctx)
    {
        ThrowIfCannotSave();
        PackageStorage.Save(ctx, SavedTransformers.Pack(this).ToBytes());
    }

    /// <summary>Throws what <see cref="Save"/> would refuse, before anything is written; ModelZip calls it before it creates a file.</summary>
    internal void ThrowIfCannotSave()
    {
        ThrowIfDisposed();
        SavedComponents.Describe(Sampler, null, nameof(ScoreModelTransformer));
    }

    /// <summary>
    /// A class-conditional sampler from this score model and a guidance term of your own
    /// (<see cref="ConditionalSamplerOptions.Guidance"/>, required): each request row names a class of <paramref name="labels"/>,
    /// and its sample is drawn with the score of this model plus the term. The sampler holds a reference of its own to the
    /// network: dispose it too; it keeps working after this transformer is disposed.
    /// </summary>
    public ConditionalSamplingTransformer CreateGuidedSampler(LabelKeys labels, ConditionalSamplerOptions options)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return ConditionalSamplingTransformer.Guided(model, null, labels, options);
    }

    /// <summary>Frees this transformer's reference to the network (the network itself once no copy holds it); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) model.Dispose();
    }

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> naming ScoreModelTransformer after Dispose, or naming ScoreModel when
    /// the model was disposed on its own.
    /// </summary>
    internal void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        _ = model.Network;
    }

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
