using ScoreML.Networks;

namespace ScoreML;

/// <summary>
/// Everything a noise-conditional classifier training run takes (stage 2 of DLSM): the shared <see cref="TrainingOptions"/>
/// (by default without weight decay or an average of the weights) and the classifier's own. The prior score model is not an
/// option: it is given to the trainer (<c>Trainers.DlsmClassifier(prior, options)</c>).
/// </summary>
public sealed class DlsmClassifierOptions : TrainingOptions
{
    /// <summary>The largest <see cref="Lambda"/>: beyond it cross-entropy swamps the DLSM term, which is the point of the method
    /// (the toy study uses 0.125, the default is 1).</summary>
    public const double MaxLambda = 1000;

    /// <summary>The fixed-size float vector column (the score model's data).</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>A UInt32 key column (MapValueToKey makes one).</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The built-in loss to train with (unless <see cref="CustomLoss"/> is set).</summary>
    public ClassifierLoss Loss { get; set; } = ClassifierLoss.DlsmPlusCrossEntropy;

    /// <summary>
    /// A loss of your own (a subclass of <see cref="ClassifierObjective"/>), used instead of <see cref="Loss"/>,
    /// <see cref="Lambda"/> and <see cref="WeightingExponent"/>. It is used only while training: a model zip holds the networks,
    /// not the loss, so a custom one needs no registration to save or load the model.
    /// </summary>
    public ClassifierObjective? CustomLoss { get; set; }

    /// <summary>The weight of cross-entropy against DLSM in <see cref="ClassifierLoss.DlsmPlusCrossEntropy"/> (Eq. 11; the toy study: 0.125),
    /// in (0, <see cref="MaxLambda"/>].</summary>
    public double Lambda { get; set; } = 1.0;

    /// <summary>The DLSM term's weight std^(2 p), p in [0, 4]: 1 (default) is std^2, as for the score model; the DLSM toy code uses 2.</summary>
    public double WeightingExponent { get; set; } = 1;

    /// <summary>0: log p(y|x) from log_softmax. Positive, below 1: log(softmax + epsilon) in the DLSM term and in guidance (the toy code: 1e-8).</summary>
    public double SoftmaxEpsilon { get; set; }

    /// <summary>The classifier network; its output width is the number of classes. Output scaling by sigma must stay off.</summary>
    public MlpOptions Mlp { get; set; } = new() { ScaleOutputBySigma = false };

    /// <summary>The first release's name for <see cref="Mlp"/>.</summary>
    [Obsolete("Network shapes only the MLP: use Mlp.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    [System.Text.Json.Serialization.JsonIgnore]
    public MlpOptions Network { get => Mlp; set => Mlp = value; }

    /// <summary>
    /// Views each row as an image of this shape and trains a <see cref="NoiseConditionalResNet"/> (<see cref="ResNet"/>)
    /// instead of the MLP. Left null: the score model's image shape when it is a U-Net, else the column's when it is typed
    /// as an image, else a plain vector.
    /// </summary>
    public ImageShape? ImageShape { get; set; }

    /// <summary>The ResNet's shape, for image data.</summary>
    public ResNetOptions ResNet { get; set; } = new();

    /// <summary>Receives one report every <see cref="TrainingOptions.ProgressInterval"/> steps and at the last step.</summary>
    public IProgress<ClassifierTrainingProgress>? Progress { get; set; }

    /// <summary>Called every <see cref="MonitorInterval"/> steps with the step and the classifier in evaluation mode (for curves of
    /// score errors over training, as in the DLSM paper's ablation). The classifier must not be kept or disposed.</summary>
    public Action<int, NoiseConditionalClassifier>? Monitor { get; set; }

    /// <summary>Steps between two calls of <see cref="Monitor"/> (it is also called at the last step).</summary>
    public int MonitorInterval { get; set; } = 1000;

    /// <summary>Checks every option that does not depend on the data; names the option at fault.</summary>
    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (!Enum.IsDefined(Loss)) throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Unknown classifier loss.");
        OptionChecks.InRange(Lambda, nameof(Lambda), 0, MaxLambda, lowOpen: true);
        base.Validate();
        OptionChecks.InRange(WeightingExponent, nameof(WeightingExponent), 0, 4);
        OptionChecks.InRange(SoftmaxEpsilon, nameof(SoftmaxEpsilon), 0, 1, highOpen: true);
        OptionChecks.InRange(MonitorInterval, nameof(MonitorInterval), 1, int.MaxValue);
        (Mlp ?? throw new ArgumentNullException(nameof(Mlp))).Validate();
        (ResNet ?? throw new ArgumentNullException(nameof(ResNet))).Validate();
        if (Mlp.ScaleOutputBySigma)
            throw new ArgumentException("Mlp.ScaleOutputBySigma must be false for a classifier: its logits are not a score.", nameof(Mlp));
    }
}
