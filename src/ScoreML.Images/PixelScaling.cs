using ScoreML.Images;
namespace ScoreML;

/// <summary>How 8-bit pixel values 0..255 become floats.</summary>
public enum PixelScaling
{
    /// <summary>p / 255, in [0, 1].</summary>
    ZeroToOne,
    /// <summary>2 p / 255 - 1, in [-1, 1].</summary>
    MinusOneToOne,
}

internal static class PixelScalingExtensions
{
    public static float Scale(this PixelScaling scaling, byte pixel) => scaling == PixelScaling.ZeroToOne ? pixel / 255f : pixel * (2f / 255f) - 1f;

    /// <summary>The inverse, rounded and clamped to a byte.</summary>
    public static byte Unscale(this PixelScaling scaling, float value)
    {
        double p = scaling == PixelScaling.ZeroToOne ? value * 255.0 : (value + 1) * 127.5;
        return (byte)Math.Clamp(Math.Round(p), 0, 255);
    }
}
