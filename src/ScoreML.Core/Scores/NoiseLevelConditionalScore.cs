using static TorchSharp.torch;

namespace ScoreML;

/// <summary>A class-conditional score at a given noise level (rather than a diffusion time), for diagnostics.</summary>
/// <param name="x">[B, D] points.</param>
/// <param name="sigma">[B] noise stds.</param>
/// <param name="labels">[B] 0-based classes (Int64).</param>
public delegate Tensor NoiseLevelConditionalScore(Tensor x, Tensor sigma, Tensor labels);
