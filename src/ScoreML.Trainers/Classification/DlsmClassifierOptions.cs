using ScoreML.Networks;
using ScoreML.Trainers.Training;

namespace ScoreML;

/// <summary>Everything a noise-conditional classifier training run takes (stage 2 of DLSM).</summary>
public sealed class DlsmClassifierOptions
{
    /// <summary>The largest <see cref="Lambda"/>: beyond it cross-entropy swamps the DLSM term, which is the point of the method
    /// (the toy study uses 0.125, the default is 1).</summary>
    public const double MaxLambda = 1000;

    /// <summary>The fixed-size float vector column (the score model's data).</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>A UInt32 key column (MapValueToKey makes one).</summary>
    public string LabelColumnName { get; set; } = "Label";

    public ClassifierLoss Loss { get; set; } = ClassifierLoss.DlsmPlusCrossEntropy;

    /// <summary>The weight of cross-entropy against DLSM in <see cref="ClassifierLoss.DlsmPlusCrossEntropy"/> (Eq. 11; the toy study: 0.125),
    /// in (0, <see cref="MaxLambda"/>].</summary>
    public double Lambda { get; set; } = 1.0;

    /// <summary>The DLSM term's weight std^(2 p), p in [0, 4]: 1 (default) is std^2, as for the score model; the DLSM toy code uses 2.</summary>
    public double WeightingExponent { get; set; } = 1;

    /// <summary>0: log p(y|x) from log_softmax. Positive, below 1: log(softmax + epsilon) in the DLSM term and in guidance (the toy code: 1e-8).</summary>
    public double SoftmaxEpsilon { get; set; }

    /// <summary>The classifier network; its output width is the number of classes. Output scaling by sigma must stay off.</summary>
    public NetworkOptions Network { get; set; } = new() { ScaleOutputBySigma = false };

    /// <summary>
    /// Views each row as an image of this shape and trains a <see cref="NoiseConditionalResNet"/> (<see cref="ResNet"/>)
    /// instead of the MLP. Left null: the score model's image shape when it is a U-Net, else the column's when it is typed
    /// as an image, else a plain vector.
    /// </summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>The ResNet's shape, for image data.</summary>
    public ResNetOptions ResNet { get; set; } = new();

    /// <summary>Optimiser steps, at most 10,000,000. Give this or <see cref="Epochs"/>; with neither, 5000 steps.</summary>
    public int? Steps { get; set; }

    /// <summary>Passes over the data; at most 10,000,000 steps in all.</summary>
    public int? Epochs { get; set; }
    /// <summary>Rows per step; capped at the number of rows.</summary>
    public int BatchSize { get; set; } = 128;
    /// <summary>Adam's learning rate, in (0, 1].</summary>
    public double LearningRate { get; set; } = 1e-3;
    /// <summary>Adam's beta1, in [0, 1).</summary>
    public double AdamBeta1 { get; set; } = 0.9;
    /// <summary>Adam's beta2, in [0, 1).</summary>
    public double AdamBeta2 { get; set; } = 0.999;
    /// <summary>Adam's epsilon, in (0, 1].</summary>
    public double AdamEpsilon { get; set; } = 1e-8;

    /// <summary>Clip the global gradient norm to this finite positive value; null for none.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>Seeds the initialisation, the batches and the noise.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>libtorch intra-op threads, in [1, 1024]; null leaves TorchSharp's setting alone.</summary>
    public int? Threads { get; set; }

    /// <summary>Must be the score model's device (the default), which runs inside every training step.</summary>
    public string? Device { get; set; }

    /// <summary>
    /// Write a checkpoint (weights, Adam state, random state, step) to this file every <see cref="CheckpointInterval"/> steps
    /// and at the end. Each is written to a temporary file and renamed over the previous one, so a crash leaves the
    /// previous checkpoint intact.
    /// </summary>
    public string? CheckpointPath { get; set; }

    public int CheckpointInterval { get; set; } = 1000;

    /// <summary>
    /// Continue the run saved in this checkpoint at its step. It must come from a run with the same loss, network, seed,
    /// batch size, steps and data (and the same frozen score model); on the CPU the result is then bit-identical to a run
    /// that never stopped.
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// Cancelling stops training before the next step, writes a checkpoint (to <see cref="CheckpointPath"/>, or to a new
    /// file in the temporary folder) and throws <see cref="TrainingCanceledException"/>, which names it.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Receives one report every <see cref="ProgressInterval"/> steps and at the last step.</summary>
    public IProgress<ClassifierTrainingProgress>? Progress { get; set; }

    public int ProgressInterval { get; set; } = 10;

    /// <summary>Called every <see cref="MonitorInterval"/> steps with the step and the classifier in evaluation mode (for curves of
    /// score errors over training, as in the DLSM paper's ablation). The classifier must not be kept or disposed.</summary>
    public Action<int, NoiseConditionalClassifier>? Monitor { get; set; }

    public int MonitorInterval { get; set; } = 1000;

    internal CheckpointSettings Checkpoints => new(CheckpointPath, CheckpointInterval, ResumeFrom, CancellationToken);

    /// <summary>Checks every option that does not depend on the data; names the option at fault.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (!Enum.IsDefined(Loss)) throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Unknown classifier loss.");
        OptionChecks.InRange(Lambda, nameof(Lambda), 0, MaxLambda, lowOpen: true);
        TrainingOptionChecks.Validate(Steps, Epochs, BatchSize, LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, GradientClipNorm, Threads,
            ProgressInterval, WeightingExponent);
        OptionChecks.InRange(SoftmaxEpsilon, nameof(SoftmaxEpsilon), 0, 1, highOpen: true);
        TrainingOptionChecks.ValidateCheckpoints(CheckpointPath, CheckpointInterval, ResumeFrom);
        OptionChecks.InRange(MonitorInterval, nameof(MonitorInterval), 1, int.MaxValue);
        (Network ?? throw new ArgumentNullException(nameof(Network))).Validate();
        (ResNet ?? throw new ArgumentNullException(nameof(ResNet))).Validate();
        if (Network.ScaleOutputBySigma)
            throw new ArgumentException("Network.ScaleOutputBySigma must be false for a classifier: its logits are not a score.", nameof(Network));
    }
}
