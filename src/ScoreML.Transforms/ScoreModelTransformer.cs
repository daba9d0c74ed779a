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
        // An unset seed is drawn now from the model's MLContext, so every read of this transformer's views agrees.
        Sampler = sampler.WithSeedFrom(model.Environment, nameof(ScoreModelTransformer));
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
    /// A column of the requests that holds each row's own seed (Int32, Int64 or UInt32), or null. With it a row's sample depends
    /// only on its seed, not on its place in the requests, so rows can be generated one at a time: <c>CreatePredictionEngine</c>
    /// works (one request row in, one sample out). Without it a row's place decides its noise, and a PredictionEngine is refused.
    /// </summary>
    public string? SeedColumnName { get; init; }

    /// <summary>
    /// The column the model was trained on (<c>ScoreModelOptions.FeatureColumnName</c>), or null. An input that has it holds
    /// data rows, not generation requests: such rows pass through with no <see cref="OutputColumnName"/> column unless
    /// <see cref="GenerateForDataRows"/> is set, so data that runs through a fitted chain (towards a classifier, say) is not given an
    /// unconditional sample per row. Null: every input gets the column.
    /// </summary>
    public string? DataColumnName { get; init; }

    /// <summary>Adds a sample to every row even of an input that holds <see cref="DataColumnName"/> (off by default).</summary>
    public bool GenerateForDataRows { get; init; }

    // Whether rows of this schema get a sample: request views do; data views only when asked.
    bool Generates(DataViewSchema inputSchema) =>
        GenerateForDataRows || DataColumnName is null || inputSchema.GetColumnOrNull(DataColumnName) is null;

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
            return new ScoreModelTransformer(share, sampler, OutputColumnName)
                { SeedColumnName = SeedColumnName, DataColumnName = DataColumnName, GenerateForDataRows = GenerateForDataRows };
        }
        catch
        {
            share.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True, so that ML.NET's <c>CreatePredictionEngine</c> reaches <see cref="GetRowToRowMapper"/>, which maps rows one by one
    /// when each request carries its seed (<see cref="SeedColumnName"/>) and otherwise throws, saying why and what to use instead.
    /// </summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input's columns plus <see cref="OutputColumnName"/> (a vector of the model's dimension) for a request view; a
    /// data view's columns unchanged unless <see cref="GenerateForDataRows"/>. Checks the seed column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckRequests(inputSchema);
        return Generates(inputSchema) ? BatchMappedDataView.OutputSchema(inputSchema, new SampleMapper(this, null)) : inputSchema;
    }

    void CheckRequests(DataViewSchema schema)
    {
        if (SeedColumnName is string seedColumn && Generates(schema)) SeedColumns.Check(schema, seedColumn);
    }

    /// <summary>
    /// The score-model transformer whose Transform made <paramref name="view"/>, or null when any other transform made it. The
    /// classifier trainer no longer finds its prior this way (a transform in between lost it): it takes the prior explicitly.
    /// </summary>
    [Obsolete("The DLSM classifier takes its prior explicitly: mlContext.ScoreMatching().Trainers.DlsmClassifier(scoreModelTransformer, options). " +
        "This lookup finds the score model only when nothing stands between it and the view.")]
    public static ScoreModelTransformer? ProducerOf(IDataView view) =>
        view is BatchMappedDataView { Mapper: SampleMapper mapper } ? mapper.Parent : null;

    /// <summary>
    /// A request view gains the <see cref="OutputColumnName"/> column, one sample per row, drawn lazily in batches when a cursor
    /// reads it (the first batch small, so that a <c>Preview()</c> generates about the rows it shows); a data view (one holding
    /// <see cref="DataColumnName"/>) passes through unchanged unless <see cref="GenerateForDataRows"/>.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ThrowIfDisposed();
        CheckRequests(input.Schema);
        if (!Generates(input.Schema)) return input;
        model.RequireUnconditionalScore("Sampling without a class (ScoreModelTransformer.Transform)");
        return new BatchMappedDataView(input, new SampleMapper(this, input.GetRowCount()));
    }

    /// <summary>
    /// A mapper that samples one request row at a time, for <c>CreatePredictionEngine</c>: available when
    /// <see cref="SeedColumnName"/> is set, since only then does a row's sample not depend on its place among the requests;
    /// otherwise throws <see cref="NotSupportedException"/> saying so.
    /// </summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckRequests(inputSchema);
        if (!Generates(inputSchema)) return new PassThroughRowMapper(inputSchema);
        var mapper = new SampleMapper(this, null);
        if (mapper.RowByRowRefusal(inputSchema) is string why) throw new NotSupportedException(why);
        return new BatchRowToRowMapper(inputSchema, mapper);
    }

    /// <summary>Generates <paramref name="count"/> samples directly, row-major [count, Dimension].</summary>
    public float[] Generate(int count) => Generate(0, count);

    /// <summary>
    /// Rows <paramref name="firstRow"/> to <paramref name="firstRow"/> + <paramref name="count"/> - 1 of the request stream,
    /// row-major [count, Dimension]: the samples of those rows of <c>Generate(firstRow + count)</c>, since each row's noise is
    /// keyed by the seed and the row's index. With <paramref name="firstRow"/> a multiple of <see cref="SamplerOptions.BatchSize"/>
    /// every batch holds the same rows as in one run, so shards of one job (e.g. <c>scoreml sample --shard i/N</c>) put together
    /// are bit for bit one run's samples; elsewhere a row agrees up to the last bits in which its batch's matrix products differ.
    /// </summary>
    public float[] Generate(long firstRow, int count)
    {
        ThrowIfDisposed();
        if (firstRow < 0) throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, "The first row cannot be negative.");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
        model.RequireUnconditionalScore("Sampling without a class (ScoreModelTransformer.Generate)");
        var result = new float[(long)count * model.Dimension];
        var monitor = NewMonitor(count);
        // In long: count + BatchSize - 1 overflows an int for a BatchSize near int.MaxValue, which made no batches at all.
        long batches = ((long)count + Sampler.BatchSize - 1) / Sampler.BatchSize;
        for (long b = 0; b < batches; b++)
        {
            long start = b * Sampler.BatchSize;
            int rows = (int)Math.Min(Sampler.BatchSize, count - start);
            monitor.BeginBatch(start, rows);
            // The batch's place in the whole request stream seeds the context's Generator, as in one run over every row.
            GenerateRows(firstRow + start, (firstRow + start) / Sampler.BatchSize, rows, monitor).CopyTo(result, start * model.Dimension);
        }
        return result;
    }

    /// <summary>
    /// Batch <paramref name="batchIndex"/> of the request stream: each row's noise is keyed by (Seed, the row's index in the
    /// stream), so a row's sample does not depend on the batch size; only the context's Generator is seeded per batch.
    /// </summary>
    internal float[] GenerateBatch(long batchIndex, int rows) => GenerateRows(batchIndex * Sampler.BatchSize, batchIndex, rows, null);

    /// <summary>The progress, log and cancellation of a run of <paramref name="totalRows"/> rows (null: unknown).</summary>
    internal SamplingMonitor NewMonitor(long? totalRows) => new(Sampler, model.Environment, totalRows, nameof(ScoreModelTransformer));

    /// <summary><paramref name="rows"/> rows from request row <paramref name="firstRow"/>, the context's Generator seeded for batch <paramref name="batchIndex"/>.</summary>
    float[] GenerateRows(long firstRow, long batchIndex, int rows, SamplingMonitor? monitor) =>
        SampleWithKeys(SamplerSeeds.ForRows(Sampler.SeedValue, firstRow, rows), SamplerSeeds.ForBatch(Sampler.SeedValue, batchIndex), monitor);

    /// <summary>One sample per row key, from the row's own noise stream; <paramref name="generatorSeed"/> seeds the context's Generator.</summary>
    float[] SampleWithKeys(ulong[] keys, ulong generatorSeed, SamplingMonitor? monitor)
    {
        ThrowIfDisposed();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(generatorSeed, model.Device);
        var samples = ScoreML.Sampler.Sample(model.AsScoreFunction(), model.Sde, model.Dimension, Sampler, generator, keys, model.Device, monitor);
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
    /// The class-conditional sampler of a class-conditional score model (trained with <c>ScoreModelOptions.LabelColumnName</c>):
    /// each request row names a class of <see cref="ScoreModel.Labels"/> (a key, or the original label value) and gets a sample
    /// of it, drawn with classifier-free guidance at weight <see cref="ConditionalSamplerOptions.ClassifierFreeGuidanceWeight"/>
    /// (unset: 0, the conditional model as trained), plus the options' <see cref="ConditionalSamplerOptions.Guidance"/> term if
    /// set. Throws for an unconditional model, saying what to use instead. The sampler holds a reference of its own to the
    /// network and saves into a model zip like the other guided samplers.
    /// </summary>
    public ConditionalSamplingTransformer CreateSampler(ConditionalSamplerOptions options)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!model.IsConditional)
            throw new InvalidOperationException("This score model is unconditional: it has no classes to sample by. Train it with a label column " +
                "(ScoreModelOptions.LabelColumnName) for classifier-free guidance, or guide it with a classifier " +
                "(mlContext.ScoreMatching().Trainers.DlsmClassifier(this, ...), then CreateSampler).");
        var withWeight = options.Clone();
        withWeight.ClassifierFreeGuidanceWeight ??= 0;   // the sampler's own options say the weight it samples with
        return ConditionalSamplingTransformer.Guided(model, null, model.Labels!, withWeight);
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

    // One sample per input row; the input's values are not used, only its length (and each row's seed, with a seed column).
    sealed class SampleMapper : BatchMapper
    {
        readonly ScoreModelTransformer parent;
        readonly SamplingMonitor monitor;

        /// <param name="parent">The transformer whose model and options sample.</param>
        /// <param name="totalRows">The rows the view will give, for the progress estimate; null when unknown.</param>
        public SampleMapper(ScoreModelTransformer parent, long? totalRows)
        {
            this.parent = parent;
            monitor = parent.NewMonitor(totalRows);
        }

        public ScoreModelTransformer Parent => parent;

        public override int BatchSize => parent.Sampler.BatchSize;

        public override int FirstBatchSize => Math.Min(BatchSize, SeedColumns.FirstBatchRows);

        public override IReadOnlyList<(string Name, DataViewType Type)> OutputColumns =>
            new[] { (parent.OutputColumnName, (DataViewType)new VectorDataViewType(NumberDataViewType.Single, parent.Model.Dimension)) };

        public override IEnumerable<DataViewSchema.Column> InputsNeeded(DataViewSchema inputSchema) =>
            parent.SeedColumnName is string seed ? new[] { inputSchema[seed] } : Array.Empty<DataViewSchema.Column>();

        public override string? RowByRowRefusal(DataViewSchema inputSchema) => parent.SeedColumnName is not null ? null :
            "A ScoreModelTransformer row's sample depends on the row's place among the requests, which a PredictionEngine, given one row " +
            "at a time, does not know. Give each request its own seed (ScoreModelOptions.SeedColumnName, a column of Int32, Int64 or " +
            "UInt32 seeds) to sample row by row, or use Transform on a view of requests, or Generate(count).";

        public override (int Rows, Array[] Columns) Map(long batchIndex, long firstRow, int capacity, DataViewRowCursor rows)
        {
            var readSeed = parent.SeedColumnName is string name ? SeedColumns.Reader(rows, rows.Schema[name]) : null;
            var seeds = new List<long>();
            int count = 0;
            while (count < capacity && rows.MoveNext())
            {
                if (readSeed is not null) seeds.Add(readSeed());
                count++;
            }
            monitor.BeginBatch(firstRow, count);
            var sampler = parent.Sampler;
            var model = parent.Model;
            if (readSeed is null)
                return (count, new Array[] { parent.GenerateRows(firstRow, batchIndex, count, monitor) });
            if (!sampler.CorrectorBatchMeanNorms)
                return (count, new Array[] { parent.SampleWithKeys(seeds.Select(SamplerSeeds.ForSeededRow).ToArray(), SamplerSeeds.ForBatch(sampler.SeedValue, batchIndex), monitor) });
            // Batch-mean norms tie rows together, so each row is sampled on its own to depend on its seed only.
            var samples = new float[(long)count * model.Dimension];
            for (int i = 0; i < count; i++)
                parent.SampleWithKeys(new[] { SamplerSeeds.ForSeededRow(seeds[i]) }, SamplerSeeds.ForBatch(seeds[i], 0), null)
                    .CopyTo(samples, (long)i * model.Dimension);
            return (count, new Array[] { samples });
        }
    }
}
