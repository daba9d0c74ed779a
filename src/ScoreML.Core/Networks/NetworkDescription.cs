using System.Text.Json.Serialization;
using ScoreML.Networks;

namespace ScoreML;

/// <summary>
/// Everything needed to rebuild a <see cref="NoiseConditionalNetwork"/> of the same architecture, as plain data for a
/// saved model's manifest: the family, the input and output widths, the image shape of image networks and the family's
/// options. The weights are stored apart (<see cref="NetworkWeights"/>); a rebuilt network starts from seed 0 and is then
/// overwritten by them.
/// </summary>
public sealed class NetworkDescription
{
    /// <summary>The network family: "mlp", "unet" or "resnet".</summary>
    public string Family { get; set; } = "";
    /// <summary>The width D of an input row.</summary>
    public int Dimension { get; set; }
    /// <summary>The width of an output row (D for a score, the class count for a classifier).</summary>
    public int Outputs { get; set; }
    /// <summary>The classes a class-conditional score network is conditioned on; 0 (the default, and what zips saved before class
    /// conditioning hold) for an unconditional network.</summary>
    public int ConditionClasses { get; set; }
    /// <summary>How a row is viewed as an image, for the U-Net and the ResNet; null for an MLP.</summary>
    public ImageShape? Image { get; set; }
    /// <summary>The MLP's options; set for the "mlp" family only.</summary>
    public MlpOptions? Mlp { get; set; }
    /// <summary>The U-Net's options; set for the "unet" family only.</summary>
    public UNetOptions? UNet { get; set; }
    /// <summary>The ResNet's options; set for the "resnet" family only.</summary>
    public ResNetOptions? ResNet { get; set; }

    /// <summary>A one-line description for messages, e.g. "mlp 2->2" or "unet on 1x28x28 images -> 784"; not saved.</summary>
    [JsonIgnore] public string Summary => (Image is null ? $"{Family} {Dimension}->{Outputs}" : $"{Family} on {Image} images -> {Outputs}")
        + (ConditionClasses > 0 ? $" conditioned on {ConditionClasses} classes" : "");

    /// <summary>The description of <paramref name="network"/> (sharing its Options object); throws
    /// <see cref="NotSupportedException"/> for a network that is not one of ScoreML's (MLP, U-Net, ResNet).</summary>
    public static NetworkDescription Of(NoiseConditionalNetwork network) => network switch
    {
        NoiseConditionalMlp mlp => new() { Family = "mlp", Dimension = mlp.Dimension, Outputs = mlp.Outputs, Mlp = mlp.Options, ConditionClasses = mlp.ConditionClasses },
        NoiseConditionalUNet unet => new()
            { Family = "unet", Dimension = unet.Dimension, Outputs = unet.Outputs, Image = unet.Shape, UNet = unet.Options, ConditionClasses = unet.ConditionClasses },
        NoiseConditionalResNet resnet => new() { Family = "resnet", Dimension = resnet.Dimension, Outputs = resnet.Outputs, Image = resnet.Shape, ResNet = resnet.Options },
        _ => throw new NotSupportedException($"A {network.GetType().Name} cannot be saved: ScoreML saves its own networks (MLP, U-Net, ResNet) only."),
    };

    /// <summary>A new network of this architecture (weights from seed 0); throws naming <paramref name="what"/> when the description is inconsistent.</summary>
    public NoiseConditionalNetwork Build(string what)
    {
        NoiseConditionalNetwork network = Family switch
        {
            "mlp" => new NoiseConditionalMlp(Dimension, Outputs, Mlp ?? throw Missing("Mlp"), 0, ConditionClasses),
            "unet" => new NoiseConditionalUNet(Image ?? throw Missing("Image"), UNet ?? throw Missing("UNet"), 0, ConditionClasses),
            "resnet" when ConditionClasses != 0 => throw new InvalidDataException($"{what}: a resnet network conditioned on {ConditionClasses} classes; ScoreML's ResNet takes no classes."),
            "resnet" => new NoiseConditionalResNet(Image ?? throw Missing("Image"), Outputs, ResNet ?? throw Missing("ResNet"), 0),
            _ => throw new InvalidDataException($"{what}: unknown network family '{Family}'."),
        };
        if (network.Dimension != Dimension || network.Outputs != Outputs)
        {
            network.Dispose();
            throw new InvalidDataException($"{what}: a {Summary} network built with {network.Dimension} inputs and {network.Outputs} outputs.");
        }
        return network;

        InvalidDataException Missing(string part) => new($"{what}: the {Family} network description has no {part}.");
    }
}
