using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Transforms.Batching;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// Generates class-conditional samples: each request row names a class (a key, or the original label value) and the
/// output adds a <c>Generated</c> vector column with one sample of that class, drawn with any sampler of
/// <see cref="SamplerOptions"/> from a conditional score (classifier guidance, per-class score models, an oracle).
/// Rows are sampled in batches when the column is read; a row's sample depends on the sampler seed, its class and its place in
/// the requests (or on its own seed, <see cref="ConditionalSamplerOptions.SeedColumnName"/>), not on the batch size.
/// </summary>
/// <remarks>
/// Ownership: a guided sampler (from <see cref="NoiseConditionalClassifierTransformer.CreateSampler"/>,
/// <see cref="ScoreModelTransformer.CreateGuidedSampler"/>, <see cref="WithOptions"/> or a loaded zip) holds references of its own to the score model's and the classifier's
/// networks (<see cref="ScoreModel.Share"/>), so it keeps working when the classifier transformer or another sampler is
/// disposed, and disposing it frees a network only when no one else holds it. A sampler of any other conditional score
/// holds no networks; whatever the score function uses stays its owner's to keep alive. Dispose may be called more than
/// once; after it, Transform, GetOutputSchema, Generate, GenerateForEachClass, WithOptions, Save, <see cref="Prior"/>
/// and reading a view this sampler made throw an <see cref="ObjectDisposedException"/> naming
/// ConditionalSamplingTransformer, and Save writes nothing.
/// </remarks>
public sealed class ConditionalSamplingTransformer : ITransformer, IDisposable
{
    readonly ConditionalScoreFunction score;
    readonly StochasticDifferentialEquation sde;
    readonly Device device;
    // This sampler's own references to the networks of guidance, what a saved model stores: the prior, and the classifier of
    // classifier guidance (null when the options' Guidance term is the only one). Null: a score function ScoreML cannot save.
    readonly (ScoreModel Prior, NoiseConditionalClassifier? Classifier)? guidance;
    int disposed;

    /// <summary>A sampler of any conditional score (per-class score models, an oracle, a function of your own). It holds no
    /// networks and cannot be saved; for classifier guidance use <see cref="NoiseConditionalClassifierTransformer.CreateSampler"/> or
    /// <see cref="ScoreModelTransformer.CreateGuidedSampler"/>, which can.</summary>
    /// <param name="score">The conditional score grad_x log p_t(x | y) at states, times and 0-based classes; this sampler does not
    /// own what it uses.</param>
    /// <param name="sde">The SDE the score belongs to: its prior, drift, diffusion and marginals.</param>
    /// <param name="dimension">Values per sample, positive.</param>
    /// <param name="labels">The classes, and their original values, that requests may name.</param>
    /// <param name="device">The device the score works on, where samples are made.</param>
    /// <param name="options">The request columns and the sampler; copied. Its <see cref="ConditionalSamplerOptions.Guidance"/> must be
    /// null, since there is no score model's score to add a term to.</param>
    public ConditionalSamplingTransformer(ConditionalScoreFunction score, StochasticDifferentialEquation sde, int dimension, LabelKeys labels,
        Device device, ConditionalSamplerOptions options)
        : this(score, sde, dimension, labels, device, options, guidance: null)
    {
        if (options.Guidance is not null)
            throw new ArgumentException("ConditionalSamplerOptions.Guidance adds a term to a score model's score; this sampler has a conditional " +
                "score function of its own. Use ScoreModelTransformer.CreateGuidedSampler or NoiseConditionalClassifierTransformer.CreateSampler.", nameof(options));
    }

    /// <param name="score">The conditional score.</param>
    /// <param name="sde">The SDE the score belongs to.</param>
    /// <param name="dimension">Values per sample, positive.</param>
    /// <param name="labels">The classes requests may name.</param>
    /// <param name="device">The device samples are made on.</param>
    /// <param name="options">The request columns and the sampler; checked and copied.</param>
    /// <param name="guidance">The networks of classifier guidance, for saving: references this sampler takes over (Dispose frees them).</param>
    ConditionalSamplingTransformer(ConditionalScoreFunction score, StochasticDifferentialEquation sde, int dimension, LabelKeys labels,
        Device device, ConditionalSamplerOptions options, (ScoreModel, NoiseConditionalClassifier?)? guidance)
    {
        ArgumentNullException.ThrowIfNull(score);
        options.Validate();
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        this.score = score;
        this.sde = sde;
        this.device = device;
        Dimension = dimension;
        Labels = labels;
        Options = options.Clone();
        // An unset seed is drawn now from the prior's MLContext (0 without one), so every read of this sampler's views agrees.
        Options.Sampler = Options.Sampler.WithSeedFrom(guidance?.Item1.Environment, nameof(ConditionalSamplingTransformer));
        this.guidance = guidance;
    }

    /// <summary>
    /// A guided sampler: the prior's score plus the options' <see cref="ConditionalSamplerOptions.Guidance"/> term, or else the
    /// classifier's term. It holds references of its own to the networks (shares of <paramref name="prior"/> and
    /// <paramref name="classifier"/>, which stay their owners' to dispose).
    /// </summary>
    internal static ConditionalSamplingTransformer Guided(ScoreModel prior, NoiseConditionalClassifier? classifier, LabelKeys labels,
        ConditionalSamplerOptions options)
    {
        if (options.Guidance is null && classifier is null && !prior.IsConditional)
            throw new ArgumentException("ConditionalSamplerOptions.Guidance must be set: without a classifier there is no classifier guidance, " +
                "and the score model is not class-conditional, so the guidance term has to be your own.", nameof(options));
        if (prior.IsConditional && prior.Labels!.Count != labels.Count)
            throw new ArgumentException($"The score model is conditioned on {prior.Labels.Count} classes but the sampler's labels have {labels.Count}; " +
                "the class counts must agree.", nameof(labels));
        var ownPrior = prior.Share();
        NoiseConditionalClassifier? ownClassifier = null;
        try
        {
            ownClassifier = classifier?.Share();
            double? weight = options.ClassifierFreeGuidanceWeight;
            var guided = options.Guidance is GuidanceTerm term ? term.AddTo(ownPrior, weight)
                : ownClassifier is not null ? ClassifierGuidance.Create(ownPrior, ownClassifier, options.GuidanceScale, weight)
                : ClassifierFreeGuidance.Create(ownPrior, weight ?? 0);
            return new ConditionalSamplingTransformer(guided, ownPrior.Sde, ownPrior.Dimension, labels, ownPrior.Device, options, (ownPrior, ownClassifier));
        }
        catch
        {
            ownPrior.Dispose();
            ownClassifier?.Dispose();
            throw;
        }
    }

    /// <summary>Values per sample (the width of the output column).</summary>
    public int Dimension { get; }
    /// <summary>The classes requests may name, with their original label values when the model's label had them.</summary>
    public LabelKeys Labels { get; }
    /// <summary>This sampler's copy of its options (<see cref="WithOptions"/> makes a sampler with others).</summary>
    public ConditionalSamplerOptions Options { get; }

    /// <summary>
    /// This sampler's reference to the score model of guidance (from CreateSampler, CreateGuidedSampler or a loaded zip); null
    /// for other scores. Throws <see cref="ObjectDisposedException"/> after Dispose.
    /// </summary>
    public ScoreModel? Prior
    {
        get
        {
            ThrowIfDisposed();
            return guidance?.Prior;
        }
    }

    /// <summary>
    /// The same conditional score with other options (sampler, seed, guidance scale...). A classifier-guidance copy holds
    /// references of its own to the networks: dispose it too; either can be disposed first.
    /// </summary>
    public ConditionalSamplingTransformer WithOptions(ConditionalSamplerOptions options)
    {
        ThrowIfDisposed();
        options.Validate();
        if (guidance is var (prior, classifier)) return Guided(prior, classifier, Labels, options);
        if (options.GuidanceScale != Options.GuidanceScale || options.Guidance is not null || options.ClassifierFreeGuidanceWeight is not null)
            throw new ArgumentException("Only a guided sampler can change its GuidanceScale, ClassifierFreeGuidanceWeight or Guidance; build a new sampler for this score.", nameof(options));
        return new ConditionalSamplingTransformer(score, sde, Dimension, Labels, device, options);
    }

    /// <summary>
    /// True, so that ML.NET's <c>CreatePredictionEngine</c> reaches <see cref="GetRowToRowMapper"/>, which samples rows one by one
    /// when each request carries its seed (<see cref="ConditionalSamplerOptions.SeedColumnName"/>) and otherwise throws, saying
    /// why and what to use instead.
    /// </summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The requests' columns plus the generated column; checks the class column and the seed column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckRequests(inputSchema);
        return BatchMappedDataView.OutputSchema(inputSchema, new SampleMapper(this, null));
    }

    /// <summary>The requests plus the generated column, sampled lazily in batches when a cursor reads it (the first batch small,
    /// so that a <c>Preview()</c> generates about the rows it shows).</summary>
    public IDataView Transform(IDataView input)
    {
        ThrowIfDisposed();
        CheckRequests(input.Schema);
        return new BatchMappedDataView(input, new SampleMapper(this, input.GetRowCount()));
    }

    /// <summary>
    /// A mapper that samples one request row at a time (one class in, one sample out), for <c>CreatePredictionEngine</c>:
    /// available when <see cref="ConditionalSamplerOptions.SeedColumnName"/> is set, since only then does a row's sample not
    /// depend on its place among the requests; otherwise throws <see cref="NotSupportedException"/> saying so.
    /// </summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckRequests(inputSchema);
        var mapper = new SampleMapper(this, null);
        if (mapper.RowByRowRefusal(inputSchema) is string why) throw new NotSupportedException(why);
        return new BatchRowToRowMapper(inputSchema, mapper);
    }

    /// <summary>
    /// Saves into an ML.NET model zip (<c>mlContext.Model.Save</c>): the score model, the classifier (if any), the labels and
    /// these options, with the custom sampler, predictor, corrector and guidance term they hold, whose types must be registered
    /// with <see cref="ScoreMLRegistry"/>. Only guided samplers (from <see cref="NoiseConditionalClassifierTransformer.CreateSampler"/>
    /// or <see cref="ScoreModelTransformer.CreateGuidedSampler"/>) can be saved; load with <c>mlContext.ScoreMatching().Model.Load</c>.
    /// A disposed sampler, or one holding an unregistered type, throws before writing.
    /// </summary>
    public void Save(ModelSaveContext ctx)
    {
        ThrowIfCannotSave();
        var (prior, classifier) = guidance!.Value;
        PackageStorage.Save(ctx, SavedTransformers.Pack(this, prior, classifier).ToBytes());
    }

    /// <summary>Throws what <see cref="Save"/> would refuse, before anything is written; ModelZip calls it before it creates a file.</summary>
    internal void ThrowIfCannotSave()
    {
        ThrowIfDisposed();
        if (guidance is null)
            throw new NotSupportedException("This ConditionalSamplingTransformer samples from a conditional score function that ScoreML cannot save " +
                "(an oracle, per-class models or a custom function). Only guided samplers made by " +
                "NoiseConditionalClassifierTransformer.CreateSampler or ScoreModelTransformer.CreateGuidedSampler can be saved.");
        SavedComponents.Describe(Options.Sampler, Options.Guidance, nameof(ConditionalSamplingTransformer));
    }

    /// <summary>Frees this sampler's references to the networks (each network once no one else holds it); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        if (guidance is var (prior, classifier))
        {
            prior.Dispose();
            classifier?.Dispose();
        }
    }

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> naming this type after Dispose, or naming the score model or classifier
    /// when one of this sampler's references was disposed on its own.
    /// </summary>
    internal void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (guidance is var (prior, classifier))
        {
            _ = prior.Network;
            _ = classifier?.Network;
        }
    }

    /// <summary>Samples of the given 0-based classes, row-major [classes.Length, Dimension], in batches of the sampler's size.</summary>
    public float[] Generate(IReadOnlyList<int> classes) => Generate(classes, 0);

    /// <summary>
    /// Samples of the given 0-based classes as rows <paramref name="firstRow"/> onwards of the request stream: row i is the
    /// sample that <c>Generate</c> of a longer class list gives at place <paramref name="firstRow"/> + i for the same class,
    /// since each row's noise is keyed by the seed and the row's place. With <paramref name="firstRow"/> a multiple of the
    /// sampler's BatchSize every batch holds the same rows as in one run, so shards of one job put together are bit for bit one
    /// run's samples; elsewhere a row agrees up to the last bits in which its batch's matrix products differ.
    /// </summary>
    public float[] Generate(IReadOnlyList<int> classes, long firstRow)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(classes);
        if (firstRow < 0) throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, "The first row cannot be negative.");
        foreach (int c in classes)
            if (c < 0 || c >= Labels.Count) throw new ArgumentOutOfRangeException(nameof(classes), c, $"Classes are 0..{Labels.Count - 1}.");
        int batchSize = Options.Sampler.BatchSize;
        var result = new float[(long)classes.Count * Dimension];
        var monitor = NewMonitor(classes.Count);
        for (int start = 0; start < classes.Count; start += batchSize)
        {
            long batch = (firstRow + start) / batchSize;   // its place in the whole request stream, as in one run
            int[] part = classes.Skip(start).Take(batchSize).ToArray();
            var keys = SamplerSeeds.ForRows(Options.Sampler.SeedValue, firstRow + start, part.Length);
            monitor.BeginBatch(start, part.Length);
            SampleBatch(SamplerSeeds.ForBatch(Options.Sampler.SeedValue, batch), keys, part, monitor).CopyTo(result, (long)start * Dimension);
        }
        return result;
    }

    /// <summary>
    /// <paramref name="perClass"/> samples of every class: a view with the class as a UInt32 key column (named as
    /// <see cref="ConditionalSamplerOptions.LabelColumnName"/>) and the samples, class by class. This is what evaluation consumes.
    /// </summary>
    public IDataView GenerateForEachClass(MLContext mlContext, int perClass)
    {
        ThrowIfDisposed();
        if (perClass <= 0) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "The number of samples per class must be positive.");
        return GenerateForEachClass(mlContext, Enumerable.Repeat(perClass, Labels.Count).ToArray());
    }

    /// <summary>
    /// <paramref name="counts"/>[c] samples of class c, as <see cref="GenerateForEachClass(MLContext, int)"/> lays them out. With
    /// a real training set's per-class counts this is the fixed labelled set that the classification accuracy score (CAS)
    /// trains its classifier on.
    /// </summary>
    public IDataView GenerateForEachClass(MLContext mlContext, IReadOnlyList<int> counts)
    {
        ThrowIfDisposed();
        if (counts.Count != Labels.Count)
            throw new ArgumentException($"{counts.Count} per-class counts for a model of {Labels.Count} classes.", nameof(counts));
        if (counts.Any(n => n < 0) || counts.Sum() == 0)
            throw new ArgumentOutOfRangeException(nameof(counts), "Per-class counts cannot be negative and must not all be zero.");
        int[] classes = Enumerable.Range(0, Labels.Count).SelectMany(c => Enumerable.Repeat(c, counts[c])).ToArray();
        float[] samples = Generate(classes);
        var rows = classes.Select((c, i) => new LabelledSample { Label = (uint)c, Generated = samples.AsSpan(i * Dimension, Dimension).ToArray() }).ToList();
        var schema = SchemaDefinition.Create(typeof(LabelledSample));
        schema[nameof(LabelledSample.Label)].ColumnName = Options.LabelColumnName;
        schema[nameof(LabelledSample.Label)].ColumnType = new KeyDataViewType(typeof(uint), Labels.Count);
        if (Labels.Names is not null && Labels.ValueType is TextDataViewType)
        {
            var names = new VBuffer<ReadOnlyMemory<char>>(Labels.Count, Labels.Names.Select(n => n.AsMemory()).ToArray());
            schema[nameof(LabelledSample.Label)].AddAnnotation("KeyValues", names, new VectorDataViewType(TextDataViewType.Instance, Labels.Count));
        }
        schema[nameof(LabelledSample.Generated)].ColumnName = Options.OutputColumnName;
        schema[nameof(LabelledSample.Generated)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Dimension);
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>Samples of <paramref name="classes"/>, row i from the noise stream of <paramref name="rowKeys"/>[i];
    /// <paramref name="generatorSeed"/> seeds the context's per-batch Generator.</summary>
    float[] SampleBatch(ulong generatorSeed, ulong[] rowKeys, int[] classes, SamplingMonitor? monitor)
    {
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        using var generator = new Generator(generatorSeed, device);
        var labels = tensor(classes.Select(c => (long)c).ToArray(), device: device);
        ScoreFunction conditional = (x, t) => score(x, t, labels);
        var samples = Sampler.Sample(conditional, sde, Dimension, Options.Sampler, generator, rowKeys, device, monitor);
        return samples.cpu().to(ScalarType.Float32).data<float>().ToArray();
    }

    void CheckRequests(DataViewSchema schema)
    {
        Labels.CheckRequestColumn(schema, Options.LabelColumnName);
        if (Options.SeedColumnName is string seedColumn) SeedColumns.Check(schema, seedColumn);
    }

    /// <summary>The progress, log and cancellation of a run of <paramref name="totalRows"/> rows (null: unknown).</summary>
    SamplingMonitor NewMonitor(long? totalRows) =>
        new(Options.Sampler, guidance?.Prior.Environment, totalRows, nameof(ConditionalSamplingTransformer));

    // ML.NET's LoadFromEnumerable takes key values 0-based from a class and adds one itself.
    sealed class LabelledSample
    {
        public uint Label { get; set; }
        public float[] Generated { get; set; } = Array.Empty<float>();
    }

    sealed class SampleMapper : BatchMapper
    {
        readonly ConditionalSamplingTransformer parent;
        readonly SamplingMonitor monitor;

        /// <param name="parent">The transformer whose model and options sample.</param>
        /// <param name="totalRows">The rows the view will give, for the progress estimate; null when unknown.</param>
        public SampleMapper(ConditionalSamplingTransformer parent, long? totalRows)
        {
            this.parent = parent;
            monitor = parent.NewMonitor(totalRows);
        }

        public override int BatchSize => parent.Options.Sampler.BatchSize;

        public override int FirstBatchSize => Math.Min(BatchSize, SeedColumns.FirstBatchRows);

        public override string? RowByRowRefusal(DataViewSchema inputSchema) => parent.Options.SeedColumnName is not null ? null :
            "A ConditionalSamplingTransformer row's sample depends on the row's place among the requests, which a PredictionEngine, given " +
            "one row at a time, does not know. Give each request its own seed (ConditionalSamplerOptions.SeedColumnName, a column of " +
            "Int32, Int64 or UInt32 seeds) to sample row by row, or use Transform on a view of requests, Generate or GenerateForEachClass.";

        public override IReadOnlyList<(string Name, DataViewType Type)> OutputColumns =>
            new[] { (parent.Options.OutputColumnName, (DataViewType)new VectorDataViewType(NumberDataViewType.Single, parent.Dimension)) };

        public override IEnumerable<DataViewSchema.Column> InputsNeeded(DataViewSchema inputSchema)
        {
            yield return inputSchema[parent.Options.LabelColumnName];
            if (parent.Options.SeedColumnName is string seed) yield return inputSchema[seed];
        }

        public override (int Rows, Array[] Columns) Map(long batchIndex, long firstRow, int capacity, DataViewRowCursor rows)
        {
            var readClass = parent.Labels.ClassReader(rows, rows.Schema[parent.Options.LabelColumnName]);
            var readSeed = parent.Options.SeedColumnName is string name ? SeedColumns.Reader(rows, rows.Schema[name]) : null;
            var classes = new List<int>();
            var seeds = new List<long>();
            while (classes.Count < capacity && rows.MoveNext())
            {
                classes.Add(readClass());
                if (readSeed is not null) seeds.Add(readSeed());
            }
            monitor.BeginBatch(firstRow, classes.Count);
            float[] samples;
            var sampler = parent.Options.Sampler;
            if (readSeed is null)
            {
                var keys = SamplerSeeds.ForRows(sampler.SeedValue, firstRow, classes.Count);
                samples = parent.SampleBatch(SamplerSeeds.ForBatch(sampler.SeedValue, batchIndex), keys, classes.ToArray(), monitor);
            }
            else if (!sampler.CorrectorBatchMeanNorms)
            {
                // Each row's noise is keyed by its own seed, so the rows share a batch and still depend on their seed and class only.
                var keys = seeds.Select(SamplerSeeds.ForSeededRow).ToArray();
                samples = parent.SampleBatch(SamplerSeeds.ForBatch(sampler.SeedValue, batchIndex), keys, classes.ToArray(), monitor);
            }
            else
            {
                // Batch-mean norms tie rows together, so each row is sampled on its own to depend on its seed and class only.
                samples = new float[(long)classes.Count * parent.Dimension];
                for (int i = 0; i < classes.Count; i++)
                    parent.SampleBatch(SamplerSeeds.ForBatch(seeds[i], 0), new[] { SamplerSeeds.ForSeededRow(seeds[i]) }, new[] { classes[i] }, null)
                        .CopyTo(samples, (long)i * parent.Dimension);
            }
            return (classes.Count, new Array[] { samples });
        }
    }
}
