namespace ScoreML;

/// <summary>The first release's name for <see cref="MlpOptions"/>, which shapes only the MLP (the U-Net and ResNet have their own).</summary>
[Obsolete("NetworkOptions shapes only the MLP: use MlpOptions (and the options' Mlp property instead of Network).")]
public sealed class NetworkOptions : MlpOptions
{
}
