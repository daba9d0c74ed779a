using Microsoft.ML;
using Microsoft.ML.Runtime;
using ScoreML.Data;
using ScoreML.Runtime;
using ScoreML.Evaluation.Intervals;
using ScoreML.Evaluation.Metrics;

namespace ScoreML;

/// <summary>
/// Evaluates generated samples against real ones as an ML.NET evaluator: two IDataViews in, a <see cref="GenerativeMetrics"/>
/// out. Rows pass through the feature extractor; FID, KID and PRDC compare the features, the Inception Score reads the
/// extractor's logits of the generated rows, CAS trains on the generated rows themselves and tests on the real ones,
/// class-wise PRDC compares each class's features. Warnings go to the metrics and to <c>mlContext.Log</c>.
/// </summary>
public static class GenerativeEvaluator
{
    /// <summary>Scores <paramref name="generated"/> against <paramref name="real"/> (real held-out data for CAS).</summary>
    public static GenerativeMetrics Evaluate(this ScoreMatchingCatalog catalog, IDataView real, IDataView generated, GenerativeEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        options ??= new GenerativeEvaluationOptions();
        options.Validate();
        // Unset seeds follow the MLContext; the evaluation runs with a copy that has them filled in.
        var host = ((IHostEnvironment)catalog.Context).Register(nameof(GenerativeEvaluator));
        options = options.WithSeedsFrom(host);
        var warnings = new List<string>();
        var realRows = Read(real, options.RealColumnName, options.LabelColumnName, "real");
        var extractor = options.FeatureExtractor ?? DefaultFeatures(real.Schema, options.RealColumnName, warnings);
        try
        {
            return Evaluate(catalog, real, generated, options, realRows, extractor, warnings, host);
        }
        finally
        {
            if (options.FeatureExtractor is null) (extractor as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// The extractor an unset <see cref="GenerativeEvaluationOptions.FeatureExtractor"/> stands for: the pretrained ResNet-18 for
    /// one- or three-channel images, the rows themselves for anything else.
    /// </summary>
    static IFeatureExtractor DefaultFeatures(DataViewSchema schema, string column, List<string>? warnings)
    {
        var shape = VectorColumnReader.ImageShapeOf(schema, column);
        if (shape is { Channels: 1 or 3 }) return ResNet18Features.Create(shape);
        if (shape is not null)
            warnings?.Add($"Column '{column}' holds {shape.Channels}-channel images, which the pretrained ResNet-18 does not take: the metrics compare raw pixels. " +
                "Set GenerativeEvaluationOptions.FeatureExtractor to a network for such images.");
        return new IdentityFeatureExtractor();
    }

    static GenerativeMetrics Evaluate(ScoreMatchingCatalog catalog, IDataView real, IDataView generated, GenerativeEvaluationOptions options,
                                      ViewRows realRows, IFeatureExtractor extractor, List<string> warnings, IHost host)
    {
        void ThrowIfCanceled(string phase)
        {
            bool byToken = options.CancellationToken.IsCancellationRequested;
            if (byToken || HostCancellation.IsCanceled(host))
                throw new OperationCanceledException($"The evaluation was canceled ({(byToken ? "GenerativeEvaluationOptions.CancellationToken was canceled" : "MLContext.CancelExecution() was called")}) before {phase}.",
                    options.CancellationToken);
        }
        ThrowIfCanceled("reading the generated rows");
        long memoryBudget = MemoryBudget.Resolve(options.MemoryBudgetBytes);
        var generatedRows = Read(generated, options.GeneratedColumnName, options.LabelColumnName, "generated");
        realRows.Rows.RequireSameDimension(generatedRows.Rows);
        if (realRows.Labels is not null && realRows.Labels.ClassCount != generatedRows.Labels!.ClassCount)
            throw new ArgumentException($"Label column '{options.LabelColumnName}' has {realRows.Labels.ClassCount} classes in the real data and " +
                $"{generatedRows.Labels.ClassCount} in the generated data.", nameof(generated));

        if (options.ComputeKid)
            KernelInceptionDistance.RequireRows(options.KidSubsetSize, realRows.Rows.Rows, generatedRows.Rows.Rows, "GenerativeEvaluationOptions.KidSubsetSize");

        var realReference = options.RealReference;
        if (realReference is not null && realReference.Extractor != extractor.Identity)
            throw new ArgumentException($"GenerativeEvaluationOptions.RealReference was made with features '{realReference.Extractor}', " +
                $"but the extractor is '{extractor.Identity}'; their numbers are not comparable.", nameof(options));
        if (realReference?.Features is { } referenceFeatures && referenceFeatures.Rows != realRows.Rows.Rows)
            throw new ArgumentException($"GenerativeEvaluationOptions.RealReference was computed on {referenceFeatures.Rows} real rows, but column " +
                $"'{options.RealColumnName}' of the real data has {realRows.Rows.Rows}; compute the reference from the same real data.", nameof(options));
        // The real set's features are extracted only when the reference does not already hold them: through a pretrained network
        // that is the slowest step of an evaluation (10,000 images take minutes on a CPU).
        FeatureMatrix? realFeatures = realReference?.Features;
        FeatureMatrix RealFeatures() => realFeatures ??= extractor.Extract(realRows.Rows).Features;
        ThrowIfCanceled("extracting the generated features");
        var generatedExtract = extractor.Extract(generatedRows.Rows);
        var generatedFeatures = generatedExtract.Features;
        // The feature dimension is known now: refuse a FID that cannot fit before any metric starts.
        // The bootstrap holds the real covariance's factor across its resamples: one matrix more.
        if (options.ComputeFid)
            FrechetDistance.RequireMemory(generatedFeatures.Dimension, FrechetDistance.PeakMatrices + (options.IntervalResamples > 0 ? 1 : 0), memoryBudget);

        // One set of resamples per side, shared by every metric that resamples that side.
        double level = options.ConfidenceLevel;
        int resamples = options.IntervalResamples;
        var generatedDraws = resamples > 0 ? new BootstrapDraws(generatedRows.Rows.Rows, resamples, options.Seed!.Value + 1, generatedRows.Labels?.Labels) : null;
        var realDraws = resamples > 0 ? new BootstrapDraws(realRows.Rows.Rows, resamples, options.Seed!.Value + 2) : null;

        double? fid = null;
        ConfidenceInterval? fidInterval = null;
        ThrowIfCanceled("FID");
        if (options.ComputeFid)
        {
            var realStatistics = realReference?.Statistics ?? GaussianStatistics.Compute(RealFeatures(), memoryBudget);
            var frechet = FrechetDistance.Compute(realStatistics, GaussianStatistics.Compute(generatedFeatures, memoryBudget), memoryBudget);
            fid = frechet.Value;
            if (frechet.Warning is not null) warnings.Add(frechet.Warning);
            if (generatedDraws is not null)
                fidInterval = ConfidenceInterval.FromReplicates(frechet.Value, FrechetDistance.ComputeMany(realStatistics,
                    Enumerable.Range(0, resamples).Select(b => GaussianStatistics.Compute(generatedDraws.Take(generatedFeatures, b), memoryBudget)), memoryBudget),
                    level, lowest: 0);
        }

        KidResult? kid = null;
        ConfidenceInterval? kidInterval = null;
        ThrowIfCanceled("KID");
        if (options.ComputeKid)
        {
            var kidReal = RealFeatures();
            kid = KernelInceptionDistance.Compute(kidReal, generatedFeatures, options.KidSubsets, options.KidSubsetSize, options.Seed!.Value);
            if (generatedDraws is not null)
            {
                bool wholeSets = kid.SubsetSize == kidReal.Rows && kid.SubsetSize == generatedFeatures.Rows;
                if (wholeSets) kidInterval = ConfidenceInterval.FromReplicates(kid.Mean, KernelInceptionDistance.ResampledGenerated(kidReal, generatedFeatures, generatedDraws), level);
                else if (kid.Subsets >= 2) kidInterval = ConfidenceInterval.Percentiles(kid.PerSubset, level);
            }
        }

        PrdcResult? prdc = null;
        ConfidenceInterval? precisionInterval = null, recallInterval = null, densityInterval = null, coverageInterval = null;
        ThrowIfCanceled("precision, recall, density and coverage");
        if (options.ComputePrdc)
        {
            var reference = realReference is { K: > 0 } && realReference.K == options.K ? realReference : RealSetReference.Compute(RealFeatures(), options.K, withStatistics: false, extractor.Identity);
            (prdc, var rows) = PrecisionRecallDensityCoverage.ComputeWithRows(reference, generatedFeatures);
            if (prdc.Warning is not null) warnings.Add(prdc.Warning);
            if (generatedDraws is not null && realDraws is not null)
            {
                precisionInterval = ConfidenceInterval.FromReplicates(prdc.Precision, generatedDraws.Means(j => rows.RealBallsHolding[j] > 0 ? 1 : 0), level, 0, 1);
                densityInterval = ConfidenceInterval.FromReplicates(prdc.Density, generatedDraws.Means(j => rows.RealBallsHolding[j] / (double)prdc.K), level, lowest: 0);
                recallInterval = ConfidenceInterval.FromReplicates(prdc.Recall, realDraws.Means(i => rows.Recalled[i] ? 1 : 0), level, 0, 1);
                coverageInterval = ConfidenceInterval.FromReplicates(prdc.Coverage, realDraws.Means(i => rows.Covered[i] ? 1 : 0), level, 0, 1);
            }
        }

        InceptionScoreResult? inception = null;
        ConfidenceInterval? inceptionInterval = null;
        ThrowIfCanceled("the Inception Score");
        if (options.ComputeInceptionScore)
        {
            if (generatedExtract.Logits is float[] logits)
            {
                inception = InceptionScore.FromLogits(logits, generatedExtract.Classes, options.InceptionSplits);
                if (generatedDraws is not null)
                    inceptionInterval = ConfidenceInterval.FromReplicates(inception.Mean,
                        InceptionScore.Resampled(logits, generatedExtract.Classes, options.InceptionSplits, generatedDraws), level, lowest: 1);
            }
            else warnings.Add($"No Inception Score: the feature extractor '{extractor.Identity}' gives no class logits.");
        }

        double? cas = null;
        ClassWiseMetrics? classWise = null;
        if (realRows.Labels is not null && generatedRows.Labels is not null)
        {
            ThrowIfCanceled("CAS");
            if (options.ComputeCas)
                cas = ClassificationAccuracyScore.Compute(catalog.Context, generatedRows.Labels, realRows.Labels, options.Cas,
                    VectorColumnReader.ImageShapeOf(real.Schema, options.RealColumnName));
            if (options.ComputeClassWise)
                classWise = ClassWise(new LabelledFeatures(RealFeatures(), realRows.Labels.Labels, realRows.Labels.ClassCount),
                    new LabelledFeatures(generatedFeatures, generatedRows.Labels.Labels, generatedRows.Labels.ClassCount), options.K, realRows.Keys!, warnings);
        }
        else if (options.LabelColumnName is null && (options.ComputeCas || options.ComputeClassWise))
        {
            warnings.Add("No CAS or class-wise metrics: GenerativeEvaluationOptions.LabelColumnName is not set.");
        }

        var channel = ((IHostEnvironment)catalog.Context).Register(nameof(GenerativeEvaluator)).Start("Evaluate");
        foreach (var w in warnings) channel.Warning(MessageSensitivity.None, w);
        channel.Info(MessageSensitivity.None, "{0}", string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Evaluated {generatedRows.Rows.Rows} generated rows against {realRows.Rows.Rows} real ones with features '{extractor.Identity}': " +
            $"FID {fid?.ToString("G5", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, KID {kid?.Mean.ToString("G5", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, " +
            $"CAS {cas?.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}."));
        channel.Dispose();
        return new GenerativeMetrics
        {
            Fid = fid,
            FidInterval = fidInterval,
            Kid = kid?.Mean,
            KidInterval = kidInterval,
            KidStd = kid?.Std,
            KidSubsets = kid?.Subsets,
            KidSubsetSize = kid?.SubsetSize,
            InceptionScore = inception?.Mean,
            InceptionScoreStd = inception?.Std,
            InceptionScoreInterval = inceptionInterval,
            InceptionSplits = options.InceptionSplits,
            Precision = prdc?.Precision,
            PrecisionInterval = precisionInterval,
            Recall = prdc?.Recall,
            RecallInterval = recallInterval,
            Density = prdc?.Density,
            DensityInterval = densityInterval,
            Coverage = prdc?.Coverage,
            CoverageInterval = coverageInterval,
            K = options.K,
            Cas = cas,
            CasInterval = cas is double accuracy ? ConfidenceInterval.Wilson(accuracy, realRows.Rows.Rows, level) : null,
            IntervalResamples = resamples,
            ClassWise = classWise,
            RealCount = realRows.Rows.Rows,
            GeneratedCount = generatedRows.Rows.Rows,
            Extractor = extractor.Identity,
            FeatureName = extractor.Name,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The real set's FID statistics and PRDC radii under the options' extractor and k, to <see cref="RealSetReference.Save"/>
    /// and pass back as <see cref="GenerativeEvaluationOptions.RealReference"/> for every later evaluation.
    /// </summary>
    public static RealSetReference ComputeRealReference(this ScoreMatchingCatalog catalog, IDataView real, GenerativeEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new GenerativeEvaluationOptions();
        options.Validate();
        long memoryBudget = MemoryBudget.Resolve(options.MemoryBudgetBytes);
        var rows = Read(real, options.RealColumnName, null, "real");
        var extractor = options.FeatureExtractor ?? DefaultFeatures(real.Schema, options.RealColumnName, null);
        try
        {
            var features = extractor.Extract(rows.Rows).Features;
            return RealSetReference.Compute(features, options.ComputePrdc ? options.K : 0, options.ComputeFid, extractor.Identity, memoryBudget);
        }
        finally
        {
            if (options.FeatureExtractor is null) (extractor as IDisposable)?.Dispose();
        }
    }

    static ClassWiseMetrics ClassWise(LabelledFeatures real, LabelledFeatures generated, int k, LabelKeys keys, List<string> warnings)
    {
        var perClass = new List<ClassMetrics>();
        for (int c = 0; c < real.ClassCount; c++)
        {
            string label = keys.Names?[c] ?? c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int realCount = real.Labels.Count(l => l == c), generatedCount = generated.Labels.Count(l => l == c);
            if (realCount < k + 1 || generatedCount < k + 1)
            {
                warnings.Add($"Class {label} left out of the class-wise metrics: {realCount} real and {generatedCount} generated samples, k = {k} needs {k + 1} of each.");
                continue;
            }
            var result = PrecisionRecallDensityCoverage.Compute(real.OfClass(c), generated.OfClass(c), k);
            if (result.Warning is not null) warnings.Add($"Class {label}: {result.Warning}");
            perClass.Add(new ClassMetrics(c, label, result.Precision, result.Recall, result.Density, result.Coverage, realCount, generatedCount));
        }
        if (perClass.Count == 0) throw new ArgumentException($"No class has k + 1 = {k + 1} real and generated samples for the class-wise metrics.");
        var mean = new ClassMetrics(-1, "mean", perClass.Average(c => c.Precision), perClass.Average(c => c.Recall), perClass.Average(c => c.Density),
            perClass.Average(c => c.Coverage), perClass.Sum(c => c.RealCount), perClass.Sum(c => c.GeneratedCount));
        return new ClassWiseMetrics { PerClass = perClass, Mean = mean };
    }

    sealed record ViewRows(FeatureMatrix Rows, LabelledFeatures? Labels, LabelKeys? Keys);

    static ViewRows Read(IDataView data, string column, string? labelColumn, string name)
    {
        try
        {
            if (labelColumn is null)
            {
                var (values, _, dimension) = VectorColumnReader.ReadAll(data, column);
                return new ViewRows(new FeatureMatrix(values, dimension, name), null, null);
            }
            var keys = LabelKeys.FromSchema(data.Schema, labelColumn);
            var (v, labels, _, d) = VectorColumnReader.ReadAll(data, column, labelColumn);
            var rows = new FeatureMatrix(v, d, name);
            return new ViewRows(rows, new LabelledFeatures(rows, labels, keys.Count), keys);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new ArgumentException($"The {name} data: {e.Message}", e);
        }
    }
}
