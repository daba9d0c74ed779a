namespace ScoreML.Images;

/// <summary>
/// RGB to grey as ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B, computed as Pillow's <c>convert("L")</c> computes it:
/// weights in 16-bit fixed point (19595, 38470 and 7471 of 65536) and rounded half up to the nearest level. A grey level is
/// then exactly what Pillow, and torchvision's <c>Grayscale</c> on PIL images, give for the same pixel, and a pixel that is
/// already grey (R = G = B) keeps its level, since the weights sum to 65536. ML.NET's <c>ConvertToGrayscale</c> uses other
/// weights (0.3, 0.59, 0.11), so the readers convert with this instead.
/// </summary>
internal static class Luminance
{
    public static byte Of(byte red, byte green, byte blue) => (byte)((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16);
}
