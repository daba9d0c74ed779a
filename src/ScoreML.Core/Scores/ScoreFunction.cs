using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A time-conditional score grad_x log p_t(x): <paramref name="x"/> is [B, D], <paramref name="t"/> is [B]
/// (diffusion time in [0, 1]). Samplers take this, so a trained network and an exact oracle are interchangeable.
/// </summary>
public delegate Tensor ScoreFunction(Tensor x, Tensor t);
