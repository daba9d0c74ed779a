using Microsoft.ML;
using Microsoft.ML.Runtime;
using ScoreML.Data;
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
        long memoryBudget = MemoryBudget.Resolve(options.MemoryBudgetBytes);
        var extractor = options.FeatureExtractor;
        var warnings = new List<string>();

        var realRows = Read(real, options.RealColumnName, options.LabelColumnName, "real");
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
        FeatureMatrix? realFeatures = null;   // extracted only when the reference does not already hold what a metric needs
        FeatureMatrix RealFeatures() => realFeatures ??= extractor.Extract(realRows.Rows).Features;
        var generatedExtract = extractor.Extract(generatedRows.Rows);
        var generatedFeatures = generatedExtract.Features;
        // The feature dimension is known now: refuse a FID that cannot fit before any metric starts.
        if (options.ComputeFid) FrechetDistance.RequireMemory(generatedFeatures.Dimension, FrechetDistance.PeakMatrices, memoryBudget);

        double? fid = null;
        if (options.ComputeFid)
        {
            var realStatistics = realReference?.Statistics ?? GaussianStatistics.Compute(RealFeatures(), memoryBudget);
            var frechet = FrechetDistance.Compute(realStatistics, GaussianStatistics.Compute(generatedFeatures, memoryBudget), memoryBudget);
            fid = frechet.Value;
            if (frechet.Warning is not null) warnings.Add(frechet.Warning);
        }

        KidResult? kid = null;
        if (options.ComputeKid)
            kid = KernelInceptionDistance.Compute(realReference?.Features ?? RealFeatures(), generatedFeatures, options.KidSubsets, options.KidSubsetSize, options.Seed);

        PrdcResult? prdc = null;
        if (options.ComputePrdc)
        {
            var reference = realReference is { K: > 0 } && realReference.K == options.K ? realReference : RealSetReference.Compute(RealFeatures(), options.K, withStatistics: false, extractor.Identity);
            prdc = PrecisionRecallDensityCoverage.Compute(reference, generatedFeatures);
            if (prdc.Warning is not null) warnings.Add(prdc.Warning);
        }

        InceptionScoreResult? inception = null;
        if (options.ComputeInceptionScore)
        {
            if (generatedExtract.Logits is float[] logits) inception = InceptionScore.FromLogits(logits, generatedExtract.Classes, options.InceptionSplits);
            else warnings.Add($"No Inception Score: the feature extractor '{extractor.Identity}' gives no class logits.");
        }

        double? cas = null;
        ClassWiseMetrics? classWise = null;
        if (realRows.Labels is not null && generatedRows.Labels is not null)
        {
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

        var channel = ((IHostEnvironment)catalog.Context).Register("ScoreML").Start("Evaluate");
        foreach (var w in warnings) channel.Warning(MessageSensitivity.None, w);
        channel.Dispose();
        return new GenerativeMetrics
        {
            Fid = fid,
            Kid = kid?.Mean,
            KidStd = kid?.Std,
            KidSubsets = kid?.Subsets,
            KidSubsetSize = kid?.SubsetSize,
            InceptionScore = inception?.Mean,
            InceptionScoreStd = inception?.Std,
            InceptionSplits = options.InceptionSplits,
            Precision = prdc?.Precision,
            Recall = prdc?.Recall,
            Density = prdc?.Density,
            Coverage = prdc?.Coverage,
            K = options.K,
            Cas = cas,
            ClassWise = classWise,
            RealCount = realRows.Rows.Rows,
            GeneratedCount = generatedRows.Rows.Rows,
            Extractor = extractor.Identity,
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
        var features = options.FeatureExtractor.Extract(rows.Rows).Features;
        return RealSetReference.Compute(features, options.ComputePrdc ? options.K : 0, options.ComputeFid, options.FeatureExtractor.Identity, memoryBudget);
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
