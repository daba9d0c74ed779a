using ScoreML.Evaluation.Metrics;

namespace ScoreML;

/// <summary>The rows themselves as features: the right choice for low-dimensional vector data (toy sets, tabular data).</summary>
public sealed class IdentityFeatureExtractor : IFeatureExtractor
{
    /// <summary>"identity".</summary>
    public string Identity => "identity";
    /// <summary>Empty: metrics on the rows themselves keep their plain names (fid, kid, ...).</summary>
    public string Name => "";
    /// <summary>False: the rows carry no class logits, so there is no Inception Score.</summary>
    public bool ProvidesLogits => false;
    /// <summary>The rows as they are (the same matrix, not a copy), without logits.</summary>
    public ExtractedFeatures Extract(FeatureMatrix inputs) => new(inputs, null, 0);
}
