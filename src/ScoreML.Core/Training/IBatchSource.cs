using static TorchSharp.torch;

namespace ScoreML.Training;

/// <summary>The row indices of each step's batch, in one of the <see cref="BatchOrder"/>s.</summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>The row indices (int64) of the batch for <paramref name="step"/> (0-based steps, taken in order).</summary>
    Tensor Indices(int step);

    /// <summary>Writes what a resumed run needs to take the same batches.</summary>
    void Save(BinaryWriter writer);

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    void Load(BinaryReader reader);
}
