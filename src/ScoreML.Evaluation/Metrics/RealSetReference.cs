using ScoreML.Evaluation.Metrics;
using System.Runtime.InteropServices;
using System.Text;

namespace ScoreML;

/// <summary>
/// What the metrics need from the real set, computed once and reusable across many generated sets: the Gaussian statistics
/// for FID, and for PRDC the features, their mean and their exact k-NN radii. <see cref="Save"/> and <see cref="Load"/> keep
/// it in a file, together with the identity of the feature extractor that made it (features from another extractor are not
/// comparable, so <see cref="GenerativeEvaluator"/> refuses a mismatch).
/// </summary>
public sealed class RealSetReference
{
    const string Magic = "ScoreML.RealSetReference";
    const int FormatVersion = 1;

    RealSetReference(string extractor, GaussianStatistics? statistics, FeatureMatrix? features, double[]? featureMean, double[]? squaredRadii, int k)
    {
        Extractor = extractor;
        Statistics = statistics;
        Features = features;
        FeatureMean = featureMean;
        SquaredRadii = squaredRadii;
        K = k;
    }

    /// <summary>The feature extractor's identity (see <see cref="IFeatureExtractor.Identity"/>).</summary>
    public string Extractor { get; }
    /// <summary>Mean and covariance for FID; null when not computed.</summary>
    public GaussianStatistics? Statistics { get; }
    /// <summary>The real features, for PRDC; null when not computed.</summary>
    public FeatureMatrix? Features { get; }
    /// <summary>The real features' mean, the centre of PRDC's fast distances; null when not computed.</summary>
    public double[]? FeatureMean { get; }
    /// <summary>Squared distance of each real point to its k-th nearest other real point.</summary>
    public double[]? SquaredRadii { get; }
    /// <summary>The k of the radii (0 without PRDC).</summary>
    public int K { get; }

    /// <param name="real">The real features.</param>
    /// <param name="k">k for PRDC radii; 0 skips PRDC.</param>
    /// <param name="withStatistics">Whether to compute FID's mean and covariance.</param>
    /// <param name="extractor">The feature extractor's identity.</param>
    /// <param name="memoryBudgetBytes">The memory FID's covariance may take (see <see cref="GaussianStatistics.Compute"/>); null for the default.</param>
    public static RealSetReference Compute(FeatureMatrix real, int k, bool withStatistics = true, string extractor = "identity", long? memoryBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        var statistics = withStatistics ? GaussianStatistics.Compute(real, memoryBudgetBytes) : null;
        if (k == 0) return new RealSetReference(extractor, statistics, null, null, null, 0);
        PrecisionRecallDensityCoverage.RequireEnough(real, k);
        var mean = Float64Rows.ColumnMeans(real);
        var radii = NearestNeighbourRadii.Squared(real, mean, k);
        return new RealSetReference(extractor, statistics, real, mean, radii, k);
    }

    internal static RealSetReference ForPrdc(FeatureMatrix real, int k) => Compute(real, k, withStatistics: false);

    /// <summary>Writes the reference to <paramref name="path"/> (through a temporary file renamed into place).</summary>
    public void Save(string path)
    {
        string temporary = path + ".tmp-" + Environment.ProcessId;
        using (var stream = File.Create(temporary))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(Extractor);
            writer.Write(Statistics is not null);
            if (Statistics is not null)
            {
                writer.Write(Statistics.Count);
                WriteArray(writer, Statistics.Mean);
                WriteArray(writer, Statistics.Covariance);
            }
            writer.Write(K);
            if (K > 0)
            {
                writer.Write(Features!.Dimension);
                writer.Write(Features.Values.Length);
                writer.Write(MemoryMarshal.AsBytes(Features.Values.AsSpan()));
                WriteArray(writer, FeatureMean!);
                WriteArray(writer, SquaredRadii!);
            }
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a reference written by <see cref="Save"/>; a wrong, truncated or other-version file gives an error naming it.</summary>
    public static RealSetReference Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Real-set reference file '{path}' does not exist.", path);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Magic) throw new InvalidDataException($"'{path}' is not a ScoreML real-set reference file.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"'{path}' is a real-set reference of format version {version}; this ScoreML reads version {FormatVersion}.");
            string extractor = reader.ReadString();
            GaussianStatistics? statistics = null;
            if (reader.ReadBoolean())
            {
                int count = reader.ReadInt32();
                statistics = new GaussianStatistics(ReadArray(reader), ReadArray(reader), count);
            }
            int k = reader.ReadInt32();
            if (k == 0) return new RealSetReference(extractor, statistics, null, null, null, 0);
            int dimension = reader.ReadInt32();
            int valueCount = reader.ReadInt32();
            if (valueCount < 0 || valueCount > reader.BaseStream.Length / sizeof(float)) throw new EndOfStreamException();
            var values = new float[valueCount];
            ReadExactly(reader, MemoryMarshal.AsBytes(values.AsSpan()));
            var features = new FeatureMatrix(values, dimension, "real");
            var mean = ReadArray(reader);
            var radii = ReadArray(reader);
            if (mean.Length != dimension || radii.Length != features.Rows)
                throw new InvalidDataException($"'{path}' is inconsistent: {features.Rows} rows of {dimension} features but {radii.Length} radii and a mean of {mean.Length}.");
            return new RealSetReference(extractor, statistics, features, mean, radii, k);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Real-set reference file '{path}' is truncated.");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Real-set reference file '{path}' is damaged: {e.Message}");
        }
    }

    static void WriteArray(BinaryWriter writer, double[] values)
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    static double[] ReadArray(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length / sizeof(double)) throw new EndOfStreamException();
        var values = new double[length];
        ReadExactly(reader, MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Fills the span from the stream, or throws EndOfStreamException (a truncated file).</summary>
    static void ReadExactly(BinaryReader reader, Span<byte> into) => reader.BaseStream.ReadExactly(into);
}
