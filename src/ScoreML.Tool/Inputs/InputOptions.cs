namespace ScoreML.Tool.Inputs;

/// <summary>How inputs are read: <c>--shape</c> (rows of a CSV, NPY or 2-D IDX file as images), <c>--resize</c> and <c>--grayscale</c> (image folders).</summary>
internal sealed record InputOptions(ImageShape? Shape = null, (int Width, int Height)? Resize = null, bool Grayscale = false);
