using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Transforms.Batching;
using ScoreML.Transforms.Persistence;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A fitted noise-conditional classifier together with the score model it was trained against. As a transformer it is
/// an ordinary multiclass classifier at the smallest noise level: it adds <c>Score</c> (class probabilities) and
/// <c>PredictedLabel</c> (a key like the training label) for the feature column, which
/// <c>mlContext.MulticlassClassification.Evaluate</c> accepts. <see cref="CreateSampler"/> turns it into a class-conditional
/// generator by classifier guidance.
/// </summary>
/// <remarks>
/// Ownership: the transformer takes over the classifier it is given and takes its own reference to the score model's
/// network (<see cref="ScoreML.ScoreModel.Share"/>); the score model passed in stays its owner's (typically a
/// <see cref="ScoreModelTransformer"/>) to dispose. Samplers from <see cref="CreateSampler"/> hold references of their
/// own to both networks. Each network is freed when its last holder is disposed, in any order. Dispose may be called more
/// than once; after it, Transform, GetOutputSchema, CreateSampler, Save, <see cref="ClassificationSigma"/>,
/// <see cref="ScoreModel"/>, <see cref="Classifier"/> and reading a view this transformer made throw an
/// <see cref="ObjectDisposedException"/> naming NoiseConditionalClassifierTransformer, and Save writes nothing.
/// </remarks>
public sealed class NoiseConditionalClassifierTransformer : ITransformer, IDisposable
{
    const int BatchSize = 4096;

    readonly ScoreModel scoreModel;
    readonly NoiseConditionalClassifier classifier;
    int disposed;

    /// <param name="scoreModel">The score model the classifier was trained against; the transformer takes a share of it.</param>
    /// <param name="classifier">The classifier, which this transformer takes over (Dispose frees it).</param>
    /// <param name="labels">The classes, as many as the classifier has outputs.</param>
    /// <param name="featureColumnName">The fixed-size float vector column to classify.</param>
    public NoiseConditionalClassifierTransformer(ScoreModel scoreModel, NoiseConditionalClassifier classifier, LabelKeys labels,
        string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(scoreModel);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(labels);
        if (scoreModel.Dimension != classifier.Dimension)
            throw new ArgumentException($"The score model works on {scoreModel.Dimension} values per row and the classifier on {classifier.Dimension}.", nameof(classifier));
        if (labels.Count != classifier.ClassCount)
            throw new ArgumentException($"The label has {labels.Count} classes and the classifier {classifier.ClassCount}.", nameof(labels));
        Labels = labels;
        FeatureColumnName = featureColumnName;
        this.classifier = classifier;
        this.scoreModel = scoreModel.Share();   // last: a constructor that throws takes nothing
    }

    /// <summary>This transformer's reference to the score model; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public ScoreModel ScoreModel
    {
        get
        {
            ThrowIfDisposed();
            return scoreModel;
        }
    }

    /// <summary>The classifier; throws <see cref="ObjectDisposedException"/> after Dispose.</summary>
    public NoiseConditionalClassifier Classifier
    {
        get
        {
            ThrowIfDisposed();
            return classifier;
        }
    }

    /// <summary>The classes, with their original label values when the training label had them (PredictedLabel carries them
    /// as KeyValues).</summary>
    public LabelKeys Labels { get; }
    /// <summary>The fixed-size float vector column that is classified.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The noise level at which the transformer classifies: the SDE's std at its smallest sampling time.</summary>
    public double ClassificationSigma
    {
        get
        {
            ThrowIfDisposed();
            using var t = tensor(new[] { scoreModel.Sde.SamplingEpsilon });
            using var sigma = scoreModel.Sde.MarginalStd(t);
            return sigma.item<double>();
        }
    }

    /// <summary>
    /// A transformer that generates samples of the class each request row names, by classifier guidance with scale alpha.
    /// The sampler holds references of its own to both networks: dispose it too; it keeps working after this transformer
    /// is disposed.
    /// </summary>
    public ConditionalSamplingTransformer CreateSampler(ConditionalSamplerOptions? options = null)
    {
        ThrowIfDisposed();
        options ??= new ConditionalSamplerOptions();
        options.Validate();
        return ConditionalSamplingTransformer.Guided(scoreModel, classifier, Labels, options);
    }

    /// <summary>True: a row's class probabilities depend on that row alone, so <c>CreatePredictionEngine</c> classifies row by row.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input's columns followed by <c>Score</c> (one probability per class) and <c>PredictedLabel</c> (a UInt32
    /// key of the class count); throws, as Transform would, unless <see cref="FeatureColumnName"/> is a fixed-size float vector
    /// of the classifier's dimension.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckInput(inputSchema);   // the schema promised is the schema Transform produces: refuse the same inputs
        return BatchMappedDataView.OutputSchema(inputSchema, new ClassifyMapper(this));
    }

    /// <summary>The input with <c>Score</c> and <c>PredictedLabel</c> added (see <see cref="GetOutputSchema"/>), computed at
    /// <see cref="ClassificationSigma"/> in batches of 4096 rows when a cursor reads them; a row with a NaN or infinite feature
    /// throws, naming the row.</summary>
    public IDataView Transform(IDataView input)
    {
        ThrowIfDisposed();
        CheckInput(input.Schema);
        return new BatchMappedDataView(input, new ClassifyMapper(this));
    }

    void CheckInput(DataViewSchema schema)
    {
        int size = VectorColumnReader.RequireFixedSizeFloatVector(schema, FeatureColumnName);
        if (size != classifier.Dimension)
            throw new ArgumentException($"Column '{FeatureColumnName}' has {size} values per row; the classifier was trained on {classifier.Dimension}.", "input");
    }

    /// <summary>Always throws <see cref="NotSupportedException"/>: rows are classified in batches; use <see cref="Transform"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckInput(inputSchema);
        // A row's probabilities depend on that row alone: mapped as a batch of one, a PredictionEngine gives what Transform gives.
        return new BatchRowToRowMapper(inputSchema, new ClassifyMapper(this));
    }

    /// <summary>
    /// Saves into an ML.NET model zip (<c>mlContext.Model.Save</c>): both networks, the SDE, the labels and the feature
    /// column. Load with <c>mlContext.ScoreMatching().Model.Load</c>. A disposed transformer has no weights left to save and
    /// throws <see cref="ObjectDisposedException"/> before writing.
    /// </summary>
    public void Save(ModelSaveContext ctx)
    {
        ThrowIfDisposed();
        PackageStorage.Save(ctx, SavedTransformers.Pack(this).ToBytes());
    }

    /// <summary>Frees the classifier and this transformer's reference to the score model (each network once no one else holds it); idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        classifier.Dispose();
        scoreModel.Dispose();
    }

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> naming this type after Dispose, or naming the score model or classifier
    /// when one of them was disposed on its own. ModelZip calls it before it creates any file.
    /// </summary>
    internal void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        _ = scoreModel.Network;
        _ = classifier.Network;
    }

    sealed class ClassifyMapper : BatchMapper
    {
        readonly NoiseConditionalClassifierTransformer parent;

        public ClassifyMapper(NoiseConditionalClassifierTransformer parent) => this.parent = parent;

        public override int BatchSize => NoiseConditionalClassifierTransformer.BatchSize;

        public override IReadOnlyList<(string Name, DataViewType Type)> OutputColumns => new (string, DataViewType)[]
        {
            ("Score", new VectorDataViewType(NumberDataViewType.Single, parent.Classifier.ClassCount)),
            ("PredictedLabel", new KeyDataViewType(typeof(uint), parent.Classifier.ClassCount)),
        };

        public override DataViewSchema.Annotations? AnnotationsOf(int column) => column == 1 ? parent.Labels.KeyValuesAnnotation() : null;

        public override IEnumerable<DataViewSchema.Column> InputsNeeded(DataViewSchema inputSchema) => new[] { inputSchema[parent.FeatureColumnName] };

        public override (int Rows, Array[] Columns) Map(long batchIndex, long firstRow, int capacity, DataViewRowCursor rows)
        {
            int dimension = parent.Classifier.Dimension;
            var getter = rows.GetGetter<VBuffer<float>>(rows.Schema[parent.FeatureColumnName]);
            var features = new List<float>(capacity * dimension);
            VBuffer<float> buffer = default;
            int count = 0;
            while (count < capacity && rows.MoveNext())
            {
                getter(ref buffer);
                int start = features.Count;
                foreach (float v in buffer.DenseValues()) features.Add(v);
                // A NaN would come out as NaN probabilities and an arbitrary argmax: refuse it as the trainers do.
                FiniteValues.RequireFiniteRow(CollectionsMarshal.AsSpan(features)[start..], firstRow + count, parent.FeatureColumnName);
                count++;
            }
            if (count == 0) return (0, new Array[] { Array.Empty<float>(), Array.Empty<uint>() });
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = parent.ScoreModel.Device;
            var x = tensor(features.ToArray(), new long[] { count, dimension }, device: device);
            var sigma = full(count, parent.ClassificationSigma, device: device);
            var probabilities = parent.Classifier.LogProbabilities(x, sigma).exp().cpu();
            var predicted = probabilities.argmax(1).to(ScalarType.Int32).data<int>().Select(c => (uint)c + 1).ToArray();
            return (count, new Array[] { probabilities.data<float>().ToArray(), predicted });
        }
    }
}
