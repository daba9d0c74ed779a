using ScoreML.Images;
using Microsoft.ML;
using ScoreML.Images.Readers;

namespace ScoreML;

/// <summary>
/// The image readers on <c>mlContext.ScoreMatching().Data</c>. Each returns an IDataView with an image-typed
/// <c>Features</c> column (channels x height x width, so the trainers pick the image networks) and a key-typed
/// <c>Label</c> named by the class names; <see cref="LabelledImages"/> keeps the pixels in memory for pictures and metrics.
/// </summary>
public static class ImageDataCatalogExtensions
{
    /// <inheritdoc cref="IdxImages.Read"/>
    public static IDataView LoadIdx(this ScoreMatchingDataCatalog catalog, string imagesPath, string labelsPath,
        PixelScaling scaling = PixelScaling.ZeroToOne, IReadOnlyList<string>? classNames = null) =>
        IdxImages.Read(imagesPath, labelsPath, scaling, classNames).ToDataView(catalog.Context);

    /// <inheritdoc cref="IdxImages.FashionMnist"/>
    public static IDataView LoadFashionMnist(this ScoreMatchingDataCatalog catalog, bool train, string? directory = null,
        PixelScaling scaling = PixelScaling.ZeroToOne) =>
        IdxImages.FashionMnist(train, directory, scaling).ToDataView(catalog.Context);

    /// <inheritdoc cref="CifarImages.Read"/>
    public static IDataView LoadCifar(this ScoreMatchingDataCatalog catalog, CifarKind kind, PixelScaling scaling, params string[] batchFiles) =>
        CifarImages.Read(kind, scaling, null, batchFiles).ToDataView(catalog.Context);

    /// <inheritdoc cref="ImageFolder.Read"/>
    public static IDataView LoadImageFolder(this ScoreMatchingDataCatalog catalog, string folder, bool grayscale = false, int? width = null,
        int? height = null, PixelScaling scaling = PixelScaling.ZeroToOne) =>
        ImageFolder.Read(catalog.Context, folder, grayscale, width, height, scaling).ToDataView(catalog.Context);
}
