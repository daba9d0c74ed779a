using ScoreML.Networks;
namespace ScoreML;

/// <summary>
/// How a flat data row of Channels x Height x Width values (channel-major, as ML.NET's <c>ExtractPixels</c> writes them
/// by default) is viewed as an image by the image networks.
/// </summary>
public sealed record ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Values per row.</summary>
    public int Size => checked(Channels * Height * Width);

    /// <summary>Channels x height x width, e.g. "1x28x28".</summary>
    public override string ToString() => $"{Channels}x{Height}x{Width}";

    /// <summary>Throws unless every extent is positive and the shape holds exactly <paramref name="dimension"/> values.</summary>
    public void Validate(int dimension, string what)
    {
        if (Channels <= 0 || Height <= 0 || Width <= 0)
            throw new ArgumentOutOfRangeException(what, ToString(), $"{what}: channels, height and width must all be positive.");
        if (Size != dimension)
            throw new ArgumentException($"{what} is {this} = {Size} values per row, but the rows have {dimension}.");
    }
}
