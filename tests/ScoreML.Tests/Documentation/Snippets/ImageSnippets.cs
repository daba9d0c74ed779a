#region Usings
using Microsoft.ML;
using ScoreML;
#endregion

namespace Snippets;

/// <summary>The C# of docs/images.md (compiled; the files are the reader's).</summary>
public static class ImageSnippets
{
    public static void Readers(MLContext ml)
    {
        #region Readers
        var train = ml.ScoreMatching().Data.LoadFashionMnist(train: true);            // /usr/share/datasets/fashion-mnist
        var mnist = ml.ScoreMatching().Data.LoadIdx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
        var cifar = ml.ScoreMatching().Data.LoadCifar(CifarKind.Cifar10, PixelScaling.ZeroToOne, "data_batch_1.bin", "data_batch_2.bin");
        var folder = ml.ScoreMatching().Data.LoadImageFolder("pets/", width: 32, height: 32);   // one sub-folder per class
        #endregion
    }
}
