using static TorchSharp.torch;

namespace ScoreML;

/// <summary>A class-conditional score grad_x log p_t(x | y) at diffusion time t, for the 0-based class of each row.</summary>
/// <param name="x">[B, D] points.</param>
/// <param name="t">[B] times.</param>
/// <param name="labels">[B] 0-based classes (Int64).</param>
public delegate Tensor ConditionalScoreFunction(Tensor x, Tensor t, Tensor labels);
