using ScoreML.Images.Readers;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>Which CIFAR binary format, and for CIFAR-100 which of its two labels.</summary>
public enum CifarKind
{
    /// <summary>CIFAR-10: records of 1 label byte and 3072 pixel bytes.</summary>
    Cifar10,
    /// <summary>CIFAR-100 with its 100 fine labels: records of a coarse and a fine label byte and 3072 pixel bytes.</summary>
    Cifar100Fine,
    /// <summary>CIFAR-100 with its 20 coarse labels (superclasses).</summary>
    Cifar100Coarse,
}

/// <summary>
/// CIFAR-10 and CIFAR-100 "binary version" batch files (data_batch_1.bin ... test_batch.bin; train.bin, test.bin): fixed-size
/// records of label byte(s) and a 32x32 colour image stored as 1024 red, 1024 green and 1024 blue bytes, row-major, which is
/// already the channel-major layout the image networks read.
/// </summary>
public static class CifarImages
{
    /// <summary>CIFAR-10's ten class names in label order (batches.meta.txt): airplane, automobile, ..., truck.</summary>
    public static readonly IReadOnlyList<string> Cifar10Classes = new[]
    {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    };

    const int Pixels = 3 * 32 * 32;

    /// <param name="kind">The file format and label.</param>
    /// <param name="scaling">Pixel scaling.</param>
    /// <param name="batchFiles">One or more batch files, read in order into one set.</param>
    /// <param name="classNames">Class names in label order; CIFAR-10's by default, else the label values.</param>
    public static LabelledImages Read(CifarKind kind, PixelScaling scaling, IReadOnlyList<string>? classNames, params string[] batchFiles)
    {
        if (batchFiles is null || batchFiles.Length == 0) throw new ArgumentException("Give at least one CIFAR batch file.", nameof(batchFiles));
        int labelBytes = kind == CifarKind.Cifar10 ? 1 : 2;
        int labelOffset = kind == CifarKind.Cifar100Fine ? 1 : 0;
        int classes = kind switch { CifarKind.Cifar10 => 10, CifarKind.Cifar100Fine => 100, _ => 20 };
        int record = labelBytes + Pixels;
        var values = new List<float>();
        var labels = new List<int>();
        foreach (var path in batchFiles)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR batch file '{path}' does not exist.", path);
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new InvalidDataException($"CIFAR batch file '{path}' has {bytes.Length} bytes, not a whole number of {kind} records of {record} bytes " +
                    "(truncated, or another CIFAR variant).");
            for (int offset = 0, index = 0; offset < bytes.Length; offset += record, index++)
            {
                int label = bytes[offset + labelOffset];
                if (label >= classes)
                    throw new InvalidDataException($"CIFAR batch file '{path}', record {index}: label {label} is outside the {classes} classes of {kind} " +
                        "(another CIFAR variant?).");
                labels.Add(label);
                for (int p = 0; p < Pixels; p++) values.Add(scaling.Scale(bytes[offset + labelBytes + p]));
            }
        }
        var names = classNames ?? (kind == CifarKind.Cifar10 ? Cifar10Classes
            : Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        if (names.Count != classes) throw new ArgumentException($"{names.Count} class names for the {classes} classes of {kind}.", nameof(classNames));
        return new LabelledImages(values.ToArray(), labels.ToArray(), new ImageShape(3, 32, 32), names);
    }
}
