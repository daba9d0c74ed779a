using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Images;
using ScoreML.Images.Readers;
using ScoreML.Networks;

namespace ScoreML.Tests.Images;

[TestClass]
public sealed class ImageReaderTests
{
    string folder = "";

    [TestInitialize]
    public void MakeFolder() => folder = Directory.CreateTempSubdirectory("scoreml-images-").FullName;

    [TestCleanup]
    public void RemoveFolder() => Directory.Delete(folder, recursive: true);

    /// <summary>An IDX file of unsigned bytes with the given dimensions, values i % 256.</summary>
    static byte[] Idx(params int[] dimensions)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dimensions.Length };
        foreach (int d in dimensions) bytes.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        long count = dimensions.Aggregate(1L, (a, d) => a * d);
        for (long i = 0; i < count; i++) bytes.Add((byte)(i % 256));
        return bytes.ToArray();
    }

    static void WriteGzip(string path, byte[] bytes)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    [TestMethod]
    public void IdxImagesAndLabelsReadPlainOrGzipped()
    {
        string images = Path.Combine(folder, "images.idx");
        string labels = Path.Combine(folder, "labels.idx.gz");
        File.WriteAllBytes(images, Idx(5, 4, 3));
        var labelBytes = Idx(5);   // labels 0..4
        WriteGzip(labels, labelBytes);
        var set = IdxImages.Read(images, labels, PixelScaling.MinusOneToOne);
        Assert.AreEqual(new ImageShape(1, 4, 3), set.Shape);
        Assert.AreEqual(5, set.Count);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, set.Labels);
        Assert.AreEqual(-1f, set.Pixels[0]);
        Assert.AreEqual(2f * 13 / 255 - 1, set.Pixels[13], 1e-6f);
        CollectionAssert.AreEqual(new[] { "0", "1", "2", "3", "4" }, set.ClassNames.ToArray());

        var ml = new MLContext(seed: 1);
        var view = ml.ScoreMatching().Data.LoadIdx(images, labels);
        Assert.AreEqual(new ImageShape(1, 4, 3), VectorColumnReader.ImageShapeOf(view.Schema, "Features"));
        var keys = LabelKeys.FromSchema(view.Schema, "Label");
        Assert.AreEqual(5, keys.Count);
        Assert.AreEqual(7f / 255, view.GetColumn<float[]>("Features").First()[7], 1e-6f);
        CollectionAssert.AreEqual(new uint[] { 1, 2, 3, 4, 5 }, view.GetColumn<uint>("Label").ToArray(), "1-based keys, class c as key c + 1");
    }

    /// <summary>
    /// The real Fashion-MNIST test set where Debian's dataset-fashion-mnist installs it (CI installs the package): 10,000
    /// 28x28 grey images, 1,000 per class, pixels in [0, 1] with both ends used.
    /// </summary>
    [TestMethod]
    public void FashionMnistTestSetReadsFromTheDebianPackage()
    {
        string images = Path.Combine(IdxImages.FashionMnistDirectory, "t10k-images-idx3-ubyte");
        if (!File.Exists(images + ".gz") && !File.Exists(images))
            Assert.Inconclusive($"Fashion-MNIST is not installed in {IdxImages.FashionMnistDirectory}: apt-get install dataset-fashion-mnist (.ci/run installs it).");
        var set = IdxImages.FashionMnist(train: false);
        Assert.AreEqual(new ImageShape(1, 28, 28), set.Shape);
        Assert.AreEqual(10_000, set.Count);
        CollectionAssert.AreEqual(Enumerable.Repeat(1000, 10).ToArray(), set.Labels.CountBy(l => l).OrderBy(p => p.Key).Select(p => p.Value).ToArray());
        Assert.AreEqual("Ankle boot", set.ClassNames[set.Labels[0]]);   // the first test image is an ankle boot
        Assert.AreEqual(0f, set.Pixels.Min());
        Assert.AreEqual(1f, set.Pixels.Max());
    }

    [TestMethod]
    public void BadIdxFilesNameTheFile()
    {
        string wrongMagic = Path.Combine(folder, "magic.idx");
        var bytes = Idx(2, 2, 2);
        bytes[0] = 7;
        File.WriteAllBytes(wrongMagic, bytes);
        string truncated = Path.Combine(folder, "truncated.idx");
        File.WriteAllBytes(truncated, Idx(3, 4, 4)[..^5]);
        string truncatedGzip = Path.Combine(folder, "truncated.idx.gz");
        WriteGzip(truncatedGzip, Idx(3, 4, 4));
        File.WriteAllBytes(truncatedGzip, File.ReadAllBytes(truncatedGzip)[..^10]);
        string labels = Path.Combine(folder, "labels.idx");
        File.WriteAllBytes(labels, Idx(3));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxImages.Read(wrongMagic, labels));
        StringAssert.Contains(e.Message, wrongMagic);
        StringAssert.Contains(e.Message, "magic");
        e = Assert.ThrowsExactly<InvalidDataException>(() => IdxImages.Read(truncated, labels));
        StringAssert.Contains(e.Message, truncated);
        StringAssert.Contains(e.Message, "truncated");
        e = Assert.ThrowsExactly<InvalidDataException>(() => IdxImages.Read(truncatedGzip, labels));
        StringAssert.Contains(e.Message, truncatedGzip);
        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => IdxImages.FashionMnist(train: true, directory: folder));
        StringAssert.Contains(missing.Message, "apt-get install dataset-fashion-mnist");
    }

    [TestMethod]
    public void CifarBatchesReadInBothFormats()
    {
        // Two CIFAR-10 records (labels 3 and 9) and one CIFAR-100 record (coarse 19, fine 99), pixels p % 256.
        static byte[] Record(params byte[] labels) => labels.Concat(Enumerable.Range(0, 3072).Select(p => (byte)(p % 256))).ToArray();
        string cifar10 = Path.Combine(folder, "data_batch_1.bin");
        File.WriteAllBytes(cifar10, Record(3).Concat(Record(9)).ToArray());
        string cifar100 = Path.Combine(folder, "train.bin");
        File.WriteAllBytes(cifar100, Record(19, 99));

        var ten = CifarImages.Read(CifarKind.Cifar10, PixelScaling.ZeroToOne, null, cifar10);
        Assert.AreEqual(new ImageShape(3, 32, 32), ten.Shape);
        CollectionAssert.AreEqual(new[] { 3, 9 }, ten.Labels);
        Assert.AreEqual("cat", ten.ClassNames[3]);
        Assert.AreEqual(1027 % 256 / 255f, ten.Pixels[1027], 1e-6f);   // green plane, pixel 3
        CollectionAssert.AreEqual(new[] { 99 }, CifarImages.Read(CifarKind.Cifar100Fine, PixelScaling.ZeroToOne, null, cifar100).Labels);
        CollectionAssert.AreEqual(new[] { 19 }, CifarImages.Read(CifarKind.Cifar100Coarse, PixelScaling.ZeroToOne, null, cifar100).Labels);

        File.WriteAllBytes(cifar10, File.ReadAllBytes(cifar10)[..^100]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CifarImages.Read(CifarKind.Cifar10, PixelScaling.ZeroToOne, null, cifar10));
        StringAssert.Contains(e.Message, cifar10);
        StringAssert.Contains(e.Message, "truncated");
        e = Assert.ThrowsExactly<InvalidDataException>(() => CifarImages.Read(CifarKind.Cifar10, PixelScaling.ZeroToOne, null, cifar100));
        StringAssert.Contains(e.Message, cifar100);
    }

    [TestMethod]
    public void ImagesRoundTripThroughPngAndTheImageFolderReader()
    {
        // Vector -> PNG -> vector, exactly for 8-bit values, for grey and colour images; then the same PNGs as an image folder.
        var random = new Random(3);
        float[] Row(ImageShape shape) => Enumerable.Range(0, shape.Size).Select(_ => random.Next(256) * (2f / 255) - 1).ToArray();
        var grey = new ImageShape(1, 6, 5);
        var colour = new ImageShape(3, 6, 5);
        var rows = new[] { Row(colour), Row(colour), Row(colour) };
        for (int i = 0; i < rows.Length; i++)
            PngImages.Save(rows[i], colour, PixelScaling.MinusOneToOne, Path.Combine(folder, i < 2 ? "cats" : "dogs", $"{i}.png"));
        for (int i = 0; i < rows.Length; i++)
        {
            var back = PngImages.Load(Path.Combine(folder, i < 2 ? "cats" : "dogs", $"{i}.png"), colour, PixelScaling.MinusOneToOne);
            CollectionAssert.AreEqual(rows[i], back, $"image {i}");
        }
        var greyRow = Row(grey);
        string greyPath = Path.Combine(folder, "grey.png");
        PngImages.Save(greyRow, grey, PixelScaling.MinusOneToOne, greyPath);
        CollectionAssert.AreEqual(greyRow, PngImages.Load(greyPath, grey, PixelScaling.MinusOneToOne));
        File.Delete(greyPath);

        var set = ImageFolder.Read(new MLContext(seed: 1), folder, scaling: PixelScaling.MinusOneToOne);
        Assert.AreEqual(colour, set.Shape);
        CollectionAssert.AreEqual(new[] { "cats", "dogs" }, set.ClassNames.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 0, 1 }, set.Labels);
        for (int i = 0; i < rows.Length; i++)
            for (int p = 0; p < colour.Size; p++)
                Assert.AreEqual(rows[i][p], set.Pixels[i * colour.Size + p], 1e-5f, $"image {i}, value {p}");
    }

    [TestMethod]
    public void MixedSizesWithoutAResizeNameTheFile()
    {
        PngImages.Save(new float[3 * 4 * 4], new ImageShape(3, 4, 4), PixelScaling.ZeroToOne, Path.Combine(folder, "a", "small.png"));
        PngImages.Save(new float[3 * 5 * 4], new ImageShape(3, 5, 4), PixelScaling.ZeroToOne, Path.Combine(folder, "b", "tall.png"));
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolder.Read(ml, folder));
        StringAssert.Contains(e.Message, "tall.png");
        StringAssert.Contains(e.Message, "resize");
        var resized = ImageFolder.Read(ml, folder, grayscale: true, width: 4, height: 4);
        Assert.AreEqual(new ImageShape(1, 4, 4), resized.Shape);
    }

    /// <summary>
    /// A colour image read into one channel is converted to grey by ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B rounded to
    /// the nearest level (Pillow's convert("L"), torchvision's Grayscale), the same way by PngImages.Load and the image
    /// folder reader; not its red channel. The colours are chosen away from half-level ties, where rounding could go either way.
    /// </summary>
    [TestMethod]
    public void AColourImageReadIntoOneChannelIsItsLuminance()
    {
        var colours = new (int R, int G, int B)[] { (255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 200, 77), (37, 91, 203), (255, 255, 255) };
        var shape = new ImageShape(3, 2, 3);
        int plane = shape.Height * shape.Width;
        var row = new float[shape.Size];
        for (int p = 0; p < plane; p++)
        {
            row[p] = colours[p].R / 255f;
            row[plane + p] = colours[p].G / 255f;
            row[2 * plane + p] = colours[p].B / 255f;
        }
        string path = Path.Combine(folder, "colours", "c.png");
        PngImages.Save(row, shape, PixelScaling.ZeroToOne, path);
        PngImages.Save(row, shape, PixelScaling.ZeroToOne, Path.Combine(folder, "more colours", "d.png"));
        var expected = colours.Select(c =>
        {
            double luma = 0.299 * c.R + 0.587 * c.G + 0.114 * c.B;
            Assert.IsGreaterThan(0.01, Math.Abs(luma - Math.Floor(luma) - 0.5), $"{c} is too near a tie to test");
            return (float)Math.Round(luma) * (2f / 255) - 1;
        }).ToArray();

        var grey = new ImageShape(1, 2, 3);
        CollectionAssert.AreEqual(expected, PngImages.Load(path, grey, PixelScaling.MinusOneToOne));
        var set = ImageFolder.Read(new MLContext(seed: 1), folder, grayscale: true, scaling: PixelScaling.MinusOneToOne);
        Assert.AreEqual(grey, set.Shape);
        CollectionAssert.AreEqual(expected, set.Pixels[..plane]);
        CollectionAssert.AreEqual(expected, set.Pixels[plane..]);
    }

    /// <summary>
    /// Only files with an image extension are read (a stray text file is skipped); a file with an image extension that is not
    /// an image is an error naming it, whether or not the images are resized, before ML.NET's workers meet it.
    /// </summary>
    [TestMethod]
    public void NonImageFilesInAnImageFolderAreSkippedOrNamed()
    {
        var shape = new ImageShape(3, 4, 4);
        PngImages.Save(new float[shape.Size], shape, PixelScaling.ZeroToOne, Path.Combine(folder, "cats", "a.png"));
        PngImages.Save(Enumerable.Repeat(1f, shape.Size).ToArray(), shape, PixelScaling.ZeroToOne, Path.Combine(folder, "dogs", "b.png"));
        File.WriteAllText(Path.Combine(folder, "cats", "notes.txt"), "not an image");
        var ml = new MLContext(seed: 1);
        Assert.AreEqual(2, ImageFolder.Read(ml, folder).Count, "the .txt file is skipped");

        string broken = Path.Combine(folder, "dogs", "broken.png");
        File.WriteAllText(broken, "not an image either");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolder.Read(ml, folder, width: 4, height: 4));
        StringAssert.Contains(e.Message, broken);
        e = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolder.Read(ml, folder, grayscale: true, width: 8, height: 8));
        StringAssert.Contains(e.Message, broken);
        e = Assert.ThrowsExactly<InvalidDataException>(() => ImageFolder.Read(ml, folder));
        StringAssert.Contains(e.Message, broken);
    }

    [TestMethod]
    public void PngImagesLoadNamesAMissingOrUnreadableFile()
    {
        var shape = new ImageShape(3, 4, 4);
        string missing = Path.Combine(folder, "missing.png");
        var notFound = Assert.ThrowsExactly<FileNotFoundException>(() => PngImages.Load(missing, shape, PixelScaling.ZeroToOne));
        StringAssert.Contains(notFound.Message, missing);
        Assert.AreEqual(missing, notFound.FileName);

        string text = Path.Combine(folder, "text.png");
        File.WriteAllText(text, "not an image");
        var unreadable = Assert.ThrowsExactly<InvalidDataException>(() => PngImages.Load(text, shape, PixelScaling.ZeroToOne));
        StringAssert.Contains(unreadable.Message, text);

        string image = Path.Combine(folder, "image.png");
        PngImages.Save(new float[shape.Size], shape, PixelScaling.ZeroToOne, image);
        var channels = Assert.ThrowsExactly<ArgumentException>(() => PngImages.Load(image, new ImageShape(2, 4, 4), PixelScaling.ZeroToOne));
        StringAssert.Contains(channels.Message, "1- or 3-channel");
    }

    [TestMethod]
    public void AGridHasOneRowOfTilesPerClass()
    {
        var shape = new ImageShape(1, 3, 3);
        var white = Enumerable.Repeat(1f, 9).ToArray();
        var black = new float[9];
        string path = Path.Combine(folder, "grid.png");
        PngImages.SaveGrid(new[] { new[] { black, black }, new[] { white } }, shape, PixelScaling.ZeroToOne, path, padding: 1);
        // 2 columns x 2 rows of 3x3 tiles with 1-pixel padding: 9 x 9; tile (0, 1) is black, tile (1, 1) is padding white.
        var picture = PngImages.Load(path, new ImageShape(1, 9, 9), PixelScaling.ZeroToOne);
        Assert.AreEqual(0f, picture[1 * 9 + 5]);   // row 1, column 5: inside tile (0, 1)
        Assert.AreEqual(1f, picture[5 * 9 + 5]);   // row 5, column 5: where tile (1, 1) would be: background
        Assert.AreEqual(1f, picture[5 * 9 + 1]);   // tile (1, 0) is white
        Assert.AreEqual(1f, picture[0]);           // padding
    }
}
