using ScoreML.Networks;

namespace ScoreML.Trainers.Classification;

/// <summary>Everything a noise-conditional classifier training run takes (stage 2 of DLSM).</summary>
public sealed class DlsmClassifierOptions
{
    /// <summary>The fixed-size float vector column (the score model's data).</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>A UInt32 key column (MapValueToKey makes one).</summary>
    public string LabelColumnName { get; set; } = "Label";

    public ClassifierLoss Loss { get; set; } = ClassifierLoss.DlsmPlusCrossEntropy;

    /// <summary>The weight of cross-entropy against DLSM in <see cref="ClassifierLoss.DlsmPlusCrossEntropy"/> (Eq. 11; the toy study: 0.125).</summary>
    public double Lambda { get; set; } = 1.0;

    /// <summary>The DLSM term's weight std^(2 p): 1 (default) is std^2, as for the score model; the DLSM toy code uses 2.</summary>
    public double WeightingExponent { get; set; } = 1;

    /// <summary>0: log p(y|x) from log_softmax. Positive: log(softmax + epsilon) in the DLSM term and in guidance (the toy code: 1e-8).</summary>
    public double SoftmaxEpsilon { get; set; }

    /// <summary>The classifier network; its output width is the number of classes. Output scaling by sigma must stay off.</summary>
    public NetworkOptions Network { get; set; } = new() { ScaleOutputBySigma = false };

    /// <summary>Optimiser steps. Give this or <see cref="Epochs"/>; with neither, 5000 steps.</summary>
    public int? Steps { get; set; }

    public int? Epochs { get; set; }
    public int BatchSize { get; set; } = 128;
    public double LearningRate { get; set; } = 1e-3;
    public double AdamBeta1 { get; set; } = 0.9;
    public double AdamBeta2 { get; set; } = 0.999;
    public double AdamEpsilon { get; set; } = 1e-8;

    /// <summary>Clip the global gradient norm to this value; null for none.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>Seeds the initialisation, the batches and the noise.</summary>
    public int Seed { get; set; } = 1;

    public int? Threads { get; set; }

    /// <summary>Must be the score model's device (the default), which runs inside every training step.</summary>
    public string? Device { get; set; }

    /// <summary>Receives one report every <see cref="ProgressInterval"/> steps and at the last step.</summary>
    public IProgress<ClassifierTrainingProgress>? Progress { get; set; }

    public int ProgressInterval { get; set; } = 10;

    /// <summary>Called every <see cref="MonitorInterval"/> steps with the step and the classifier in evaluation mode (for curves of
    /// score errors over training, as in the DLSM paper's ablation). The classifier must not be kept or disposed.</summary>
    public Action<int, NoiseConditionalClassifier>? Monitor { get; set; }

    public int MonitorInterval { get; set; } = 1000;

    /// <summary>Checks every option that does not depend on the data; names the option at fault.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (!Enum.IsDefined(Loss)) throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Unknown classifier loss.");
        if (!(Lambda > 0) || double.IsInfinity(Lambda)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "Lambda must be positive and finite.");
        if (!double.IsFinite(WeightingExponent) || WeightingExponent < 0 || WeightingExponent > 4)
            throw new ArgumentOutOfRangeException(nameof(WeightingExponent), WeightingExponent, "WeightingExponent must lie in [0, 4].");
        if (!(SoftmaxEpsilon >= 0) || SoftmaxEpsilon >= 1) throw new ArgumentOutOfRangeException(nameof(SoftmaxEpsilon), SoftmaxEpsilon, "SoftmaxEpsilon must lie in [0, 1).");
        if (Steps is not null && Epochs is not null) throw new ArgumentException("Give Steps or Epochs, not both.", nameof(Epochs));
        if (Steps is int s && s <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), s, "Steps must be positive.");
        if (Epochs is int e && e <= 0) throw new ArgumentOutOfRangeException(nameof(Epochs), e, "Epochs must be positive.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be positive.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive and finite.");
        if (!(AdamBeta1 >= 0 && AdamBeta1 < 1)) throw new ArgumentOutOfRangeException(nameof(AdamBeta1), AdamBeta1, "AdamBeta1 must lie in [0, 1).");
        if (!(AdamBeta2 >= 0 && AdamBeta2 < 1)) throw new ArgumentOutOfRangeException(nameof(AdamBeta2), AdamBeta2, "AdamBeta2 must lie in [0, 1).");
        if (!(AdamEpsilon > 0)) throw new ArgumentOutOfRangeException(nameof(AdamEpsilon), AdamEpsilon, "AdamEpsilon must be positive.");
        if (GradientClipNorm is double c && !(c > 0)) throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), c, "GradientClipNorm must be positive (or null for no clipping).");
        if (Threads is int t && t <= 0) throw new ArgumentOutOfRangeException(nameof(Threads), t, "Threads must be positive.");
        if (ProgressInterval <= 0) throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, "ProgressInterval must be positive.");
        if (MonitorInterval <= 0) throw new ArgumentOutOfRangeException(nameof(MonitorInterval), MonitorInterval, "MonitorInterval must be positive.");
        (Network ?? throw new ArgumentNullException(nameof(Network))).Validate();
        if (Network.ScaleOutputBySigma)
            throw new ArgumentException("Network.ScaleOutputBySigma must be false for a classifier: its logits are not a score.", nameof(Network));
    }
}
