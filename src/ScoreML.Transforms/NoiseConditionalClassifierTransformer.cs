using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Scores;
using ScoreML.Transforms.Batching;
using ScoreML.Transforms.Persistence;
using static TorchSharp.torch;

namespace ScoreML.Transforms;

/// <summary>
/// A fitted noise-conditional classifier together with the score model it was trained against. As a transformer it is
/// an ordinary multiclass classifier at the smallest noise level: it adds <c>Score</c> (class probabilities) and
/// <c>PredictedLabel</c> (a key like the training label) for the feature column, which
/// <c>mlContext.MulticlassClassification.Evaluate</c> accepts. <see cref="CreateSampler"/> turns it into a class-conditional
/// generator by classifier guidance. It does not own the score model: disposing it frees the classifier only.
/// </summary>
public sealed class NoiseConditionalClassifierTransformer : ITransformer, IDisposable
{
    const int BatchSize = 4096;

    readonly bool ownsScoreModel;

    public NoiseConditionalClassifierTransformer(ScoreModel scoreModel, NoiseConditionalClassifier classifier, LabelKeys labels,
        string featureColumnName = "Features")
        : this(scoreModel, classifier, labels, featureColumnName, ownsScoreModel: false)
    {
    }

    /// <param name="ownsScoreModel">Dispose frees the score model too (a loaded model owns both networks).</param>
    internal NoiseConditionalClassifierTransformer(ScoreModel scoreModel, NoiseConditionalClassifier classifier, LabelKeys labels,
        string featureColumnName, bool ownsScoreModel)
    {
        if (scoreModel.Dimension != classifier.Dimension)
            throw new ArgumentException($"The score model works on {scoreModel.Dimension} values per row and the classifier on {classifier.Dimension}.", nameof(classifier));
        if (labels.Count != classifier.ClassCount)
            throw new ArgumentException($"The label has {labels.Count} classes and the classifier {classifier.ClassCount}.", nameof(labels));
        ScoreModel = scoreModel;
        Classifier = classifier;
        Labels = labels;
        FeatureColumnName = featureColumnName;
        this.ownsScoreModel = ownsScoreModel;
    }

    public ScoreModel ScoreModel { get; }
    public NoiseConditionalClassifier Classifier { get; }
    public LabelKeys Labels { get; }
    public string FeatureColumnName { get; }

    /// <summary>The noise level at which the transformer classifies: the SDE's std at its smallest sampling time.</summary>
    public double ClassificationSigma
    {
        get
        {
            using var t = tensor(new[] { ScoreModel.Sde.SamplingEpsilon });
            using var sigma = ScoreModel.Sde.MarginalStd(t);
            return sigma.item<double>();
        }
    }

    /// <summary>A transformer that generates samples of the class each request row names, by classifier guidance with scale alpha.</summary>
    public ConditionalSamplingTransformer CreateSampler(ConditionalSamplerOptions? options = null) => CreateSampler(options, owned: null);

    /// <param name="owned">What the sampler frees when disposed (this transformer, for a loaded sampler).</param>
    internal ConditionalSamplingTransformer CreateSampler(ConditionalSamplerOptions? options, IDisposable? owned)
    {
        options ??= new ConditionalSamplerOptions();
        options.Validate();
        return new ConditionalSamplingTransformer(ClassifierGuidance.Create(ScoreModel, Classifier, options.GuidanceScale),
            ScoreModel.Sde, ScoreModel.Dimension, Labels, ScoreModel.Device, options, (ScoreModel, Classifier), owned);
    }

    public bool IsRowToRowMapper => false;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => BatchMappedDataView.OutputSchema(inputSchema, new ClassifyMapper(this));

    public IDataView Transform(IDataView input)
    {
        int size = VectorColumnReader.RequireFixedSizeFloatVector(input.Schema, FeatureColumnName);
        if (size != Classifier.Dimension)
            throw new ArgumentException($"Column '{FeatureColumnName}' has {size} values per row; the classifier was trained on {Classifier.Dimension}.", nameof(input));
        return new BatchMappedDataView(input, new ClassifyMapper(this));
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("NoiseConditionalClassifierTransformer classifies in batches, so it has no row-to-row mapper; use Transform.");

    /// <summary>
    /// Saves into an ML.NET model zip (<c>mlContext.Model.Save</c>): both networks, the SDE, the labels and the feature
    /// column. Load with <c>mlContext.ScoreMatching().Model.Load</c>.
    /// </summary>
    public void Save(ModelSaveContext ctx) => PackageStorage.Save(ctx, SavedTransformers.Pack(this).ToBytes());

    public void Dispose()
    {
        Classifier.Dispose();
        if (ownsScoreModel) ScoreModel.Dispose();
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

        public override (int Rows, Array[] Columns) Map(long batchIndex, DataViewRowCursor rows)
        {
            int dimension = parent.Classifier.Dimension;
            var getter = rows.GetGetter<VBuffer<float>>(rows.Schema[parent.FeatureColumnName]);
            var features = new List<float>(BatchSize * dimension);
            VBuffer<float> buffer = default;
            int count = 0;
            while (count < BatchSize && rows.MoveNext())
            {
                getter(ref buffer);
                int start = features.Count;
                foreach (float v in buffer.DenseValues()) features.Add(v);
                // A NaN would come out as NaN probabilities and an arbitrary argmax: refuse it as the trainers do.
                FiniteValues.RequireFiniteRow(CollectionsMarshal.AsSpan(features)[start..], batchIndex * BatchSize + count, parent.FeatureColumnName);
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
