using Microsoft.ML.Data;

namespace ScoreML.Images;

/// <summary>
/// Opens one image file, with errors that name it: ML.NET's decoder says "Invalid path" for a missing file and "Invalid input
/// stream contents" for one that is not an image, without the file's name.
/// </summary>
internal static class ImageFiles
{
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded as an image.</exception>
    public static MLImage Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        try
        {
            return MLImage.CreateFromFile(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"Image '{path}' cannot be read as an image: {e.Message}", e);
        }
    }
}
