using ScoreML.Evaluation.Metrics;

namespace ScoreML;

/// <summary>
/// Turns rows of a data column (raw vectors or images as pixel vectors) into the feature vectors that FID and PRDC compare
/// and, where it can, class logits for the Inception Score. Metrics from different extractors are not comparable, so each
/// has an <see cref="Identity"/> that is stored with the numbers.
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>What the features are, precisely enough to tell two extractors apart (e.g. a file name and its hash).</summary>
    string Identity { get; }

    /// <summary>
    /// A short lower-case name that metrics on these features are named after in results ("resnet18" gives fid_resnet18,
    /// kid_resnet18, ..., as papers write FD_DINOv2); empty for the rows themselves, whose metrics keep their plain names.
    /// </summary>
    string Name { get; }

    /// <summary>Whether <see cref="Extract"/> also returns class logits (needed for the Inception Score).</summary>
    bool ProvidesLogits { get; }

    /// <param name="inputs">The rows, as read from the data column.</param>
    ExtractedFeatures Extract(FeatureMatrix inputs);
}

/// <param name="Features">One feature vector per input row.</param>
/// <param name="Logits">Row-major [rows, <paramref name="Classes"/>] class logits, or null.</param>
/// <param name="Classes">The number of classes of the logits (0 without logits).</param>
public sealed record ExtractedFeatures(FeatureMatrix Features, float[]? Logits, int Classes);
