using ScoreML.Evaluation.Metrics;
using System.Runtime.InteropServices;
using System.Text;

namespace ScoreML;

/// <summary>
/// What the metrics need from one feature set, in a form that merges: the row count, the float64 mean and the float64 scatter
/// matrix sum_i (x_i - mean)(x_i - mean)^T for FID, and optionally the features themselves for KID and PRDC. Statistics of
/// consecutive row ranges of one set (shards, computed on different machines) combine with <see cref="Merge"/> into the
/// statistics of the whole set, by Chan, Golub and LeVeque's pairwise update of the mean and scatter: the merged FID agrees
/// with the one computed on all rows at once to float64 round-off. <see cref="Save"/> and <see cref="Load"/> keep it in a
/// file with the identity of the features it was computed on, so that statistics of other features are refused.
/// </summary>
public sealed class FeatureStatistics
{
    const string Magic = "ScoreML.FeatureStatistics";
    const int FormatVersion = 1;

    FeatureStatistics(string extractor, string featureName, int count, double[] mean, double[] scatter, FeatureMatrix? features,
        string source, long firstRow, long sourceRows)
    {
        Extractor = extractor;
        FeatureName = featureName;
        Count = count;
        Mean = mean;
        Scatter = scatter;
        Features = features;
        Source = source;
        FirstRow = firstRow;
        SourceRows = sourceRows;
    }

    /// <summary>The feature extractor's identity (<see cref="IFeatureExtractor.Identity"/>): statistics of other features are not comparable.</summary>
    public string Extractor { get; }

    /// <summary>The features' short name (<see cref="IFeatureExtractor.Name"/>, "resnet18"; empty for the rows themselves).</summary>
    public string FeatureName { get; }

    /// <summary>Values per feature row.</summary>
    public int Dimension => Mean.Length;

    /// <summary>The rows the statistics were computed from.</summary>
    public int Count { get; }

    /// <summary>The float64 mean of each feature.</summary>
    public double[] Mean { get; }

    /// <summary>The float64 scatter matrix sum_i (x_i - mean)(x_i - mean)^T, row-major D x D (the covariance times n - 1).</summary>
    public double[] Scatter { get; }

    /// <summary>The feature rows themselves (for KID and PRDC, which need every row), or null when they were not kept.</summary>
    public FeatureMatrix? Features { get; }

    /// <summary>What the rows were computed from (a file, a model and seed), free text; merged parts must name the same source.</summary>
    public string Source { get; }

    /// <summary>The index of the first row in the whole set of <see cref="SourceRows"/> rows (0 for a whole set).</summary>
    public long FirstRow { get; }

    /// <summary>The rows of the whole set that these statistics are a range of (<see cref="Count"/> for a whole set).</summary>
    public long SourceRows { get; }

    /// <summary>Whether the statistics cover every row of their source.</summary>
    public bool IsComplete => FirstRow == 0 && Count == SourceRows;

    /// <param name="features">The feature rows (at least one).</param>
    /// <param name="extractor">The identity of the features (<see cref="IFeatureExtractor.Identity"/>).</param>
    /// <param name="featureName">Their short name (<see cref="IFeatureExtractor.Name"/>).</param>
    /// <param name="keepFeatures">Keep the rows themselves too, for KID and PRDC.</param>
    /// <param name="memoryBudgetBytes">The memory the scatter matrix may take (two float64 D x D matrices); null for the default.</param>
    /// <exception cref="InsufficientMemoryException">The scatter matrix needs more than the budget; nothing was allocated.</exception>
    public static FeatureStatistics Compute(FeatureMatrix features, string extractor, string featureName = "", bool keepFeatures = false, long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(featureName);
        FrechetDistance.RequireMemory(features.Dimension, GaussianStatistics.CovarianceMatrices, memoryBudgetBytes);
        if ((long)features.Dimension * features.Dimension > Array.MaxLength)
            throw new ArgumentException($"The {features.Name} set has {features.Dimension} features: its scatter matrix holds more values than a .NET array can.", nameof(features));
        var (mean, scatter) = GaussianStatistics.Moments(features);
        return new FeatureStatistics(extractor, featureName, features.Rows, mean, scatter, keepFeatures ? features : null, "", 0, features.Rows);
    }

    /// <summary>
    /// A copy that says which rows of which set these are: rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> +
    /// <see cref="Count"/> - 1 of the <paramref name="sourceRows"/> rows of <paramref name="source"/>.
    /// </summary>
    public FeatureStatistics WithRows(string source, long firstRow, long sourceRows)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (firstRow < 0 || firstRow + Count > sourceRows)
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"Rows {firstRow} .. {firstRow + Count - 1} do not lie in a set of {sourceRows} rows.");
        return new FeatureStatistics(Extractor, FeatureName, Count, Mean, Scatter, Features, source, firstRow, sourceRows);
    }

    /// <summary>A copy without the feature rows (FID needs only the mean and scatter; the file is then D x D doubles, whatever the rows).</summary>
    public FeatureStatistics WithoutFeatures() => new(Extractor, FeatureName, Count, Mean, Scatter, null, Source, FirstRow, SourceRows);

    /// <summary>The mean and covariance (the scatter divided by n - 1, as <see cref="GaussianStatistics.Compute"/> divides) for FID.</summary>
    public GaussianStatistics ToGaussian()
    {
        if (Count < 2) throw new ArgumentException($"The statistics of {Source} hold {Count} row; a covariance needs at least two.");
        return GaussianStatistics.FromScatter(Mean, (double[])Scatter.Clone(), Count);
    }

    /// <summary>
    /// The statistics of consecutive row ranges of one set, combined into those of the rows they cover together: the parts are
    /// ordered by <see cref="FirstRow"/> and must follow each other without gap or overlap, come from the same source and
    /// features, and either all keep their feature rows (which are then concatenated in row order) or none.
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit together; the message says which.</exception>
    public static FeatureStatistics Merge(IEnumerable<FeatureStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var ordered = parts.OrderBy(p => p.FirstRow).ToArray();
        if (ordered.Length == 0) throw new ArgumentException("No statistics to merge.", nameof(parts));
        var first = ordered[0];
        foreach (var part in ordered.Skip(1))
        {
            if (part.Extractor != first.Extractor)
                throw new ArgumentException($"Statistics of features '{part.Extractor}' cannot be merged with statistics of features '{first.Extractor}'.", nameof(parts));
            if (part.Source != first.Source || part.SourceRows != first.SourceRows)
                throw new ArgumentException($"Statistics of {part.Source} ({part.SourceRows} rows) cannot be merged with statistics of {first.Source} ({first.SourceRows} rows).", nameof(parts));
            if (part.Dimension != first.Dimension)
                throw new ArgumentException($"Statistics of {part.Dimension} features cannot be merged with statistics of {first.Dimension}.", nameof(parts));
            if ((part.Features is null) != (first.Features is null))
                throw new ArgumentException("Some of the statistics keep their feature rows and some do not; merge parts saved the same way.", nameof(parts));
        }
        long next = first.FirstRow;
        foreach (var part in ordered)
        {
            if (part.FirstRow != next)
                throw new ArgumentException(part.FirstRow > next
                    ? $"Rows {next} .. {part.FirstRow - 1} of {first.Source} are in none of the statistics: a part is missing."
                    : $"Rows {part.FirstRow} .. {next - 1} of {first.Source} are in two of the statistics: a part is given twice, or parts overlap.", nameof(parts));
            next = part.FirstRow + part.Count;
        }
        if (next - first.FirstRow > int.MaxValue) throw new ArgumentException($"The merged statistics would hold {next - first.FirstRow} rows, more than {int.MaxValue}.", nameof(parts));

        int d = first.Dimension;
        var mean = (double[])first.Mean.Clone();
        var scatter = (double[])first.Scatter.Clone();
        long count = first.Count;
        var delta = new double[d];
        foreach (var part in ordered.Skip(1))
        {
            // Chan, Golub and LeVeque: with delta = mean_b - mean_a, mean = mean_a + delta n_b / n and
            // M = M_a + M_b + delta delta^T n_a n_b / n.
            long total = count + part.Count;
            double weight = (double)part.Count / total, cross = (double)count * part.Count / total;
            for (int i = 0; i < d; i++) delta[i] = part.Mean[i] - mean[i];
            for (int i = 0; i < d; i++)
            {
                double scaled = delta[i] * cross;
                var row = scatter.AsSpan(i * d, d);
                var other = part.Scatter.AsSpan(i * d, d);
                for (int j = 0; j < d; j++) row[j] += other[j] + scaled * delta[j];
            }
            for (int i = 0; i < d; i++) mean[i] += delta[i] * weight;
            count = total;
        }
        FeatureMatrix? features = null;
        if (first.Features is not null)
        {
            var values = new float[count * d];
            long offset = 0;
            foreach (var part in ordered)
            {
                part.Features!.Values.CopyTo(values, offset);
                offset += part.Features.Values.Length;
            }
            features = new FeatureMatrix(values, d, first.Features.Name);
        }
        return new FeatureStatistics(first.Extractor, first.FeatureName, (int)count, mean, scatter, features, first.Source, first.FirstRow, first.SourceRows);
    }

    /// <summary>Writes the statistics to <paramref name="path"/> through a temporary file renamed into place.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string temporary = path + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = File.Create(temporary))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(Extractor);
                writer.Write(FeatureName);
                writer.Write(Source);
                writer.Write(FirstRow);
                writer.Write(SourceRows);
                writer.Write(Count);
                writer.Write(Dimension);
                writer.Write(MemoryMarshal.AsBytes(Mean.AsSpan()));
                writer.Write(MemoryMarshal.AsBytes(Scatter.AsSpan()));
                writer.Write(Features is not null);
                if (Features is not null) writer.Write(MemoryMarshal.AsBytes(Features.Values.AsSpan()));
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Whether <paramref name="path"/> starts as a file written by <see cref="Save"/> does (reads a few bytes).</summary>
    public static bool IsStatisticsFile(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            return reader.BaseStream.Length > Magic.Length && reader.ReadByte() == Magic.Length
                && Encoding.UTF8.GetString(reader.ReadBytes(Magic.Length)) == Magic;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads statistics written by <see cref="Save"/>; a foreign, truncated or other-version file gives an error naming it.</summary>
    public static FeatureStatistics Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Statistics file '{path}' does not exist.", path);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!IsStatisticsFile(path) || reader.ReadString() != Magic) throw new InvalidDataException($"'{path}' is not a ScoreML statistics file.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"'{path}' is a statistics file of format version {version}; this ScoreML reads version {FormatVersion}.");
            string extractor = reader.ReadString(), featureName = reader.ReadString(), source = reader.ReadString();
            long firstRow = reader.ReadInt64(), sourceRows = reader.ReadInt64();
            int count = reader.ReadInt32(), dimension = reader.ReadInt32();
            long length = reader.BaseStream.Length;
            if (count < 1 || dimension < 1 || (long)dimension * dimension * sizeof(double) > length || firstRow < 0 || firstRow + count > sourceRows)
                throw new InvalidDataException($"Statistics file '{path}' is damaged: {count} rows of {dimension} features, rows from {firstRow} of {sourceRows}.");
            var mean = new double[dimension];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(mean.AsSpan()));
            var scatter = new double[(long)dimension * dimension];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(scatter.AsSpan()));
            FeatureMatrix? features = null;
            if (reader.ReadBoolean())
            {
                if ((long)count * dimension * sizeof(float) > length) throw new EndOfStreamException();
                var values = new float[(long)count * dimension];
                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                features = new FeatureMatrix(values, dimension, "features");
            }
            if (reader.BaseStream.Position != length)
                throw new InvalidDataException($"Statistics file '{path}' has {length - reader.BaseStream.Position} bytes after its end (damaged?).");
            return new FeatureStatistics(extractor, featureName, count, mean, scatter, features, source, firstRow, sourceRows);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Statistics file '{path}' is truncated.");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Statistics file '{path}' is damaged: {e.Message}");
        }
    }
}
