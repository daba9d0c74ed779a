using System.CommandLine;

namespace ScoreML.Tool.Commands;

/// <summary><c>scoreml fid</c>: The Fréchet distance (FID) between the features of two data sets; prints 'FID:  VALUE' as pytorch-fid does.</summary>
internal static class FidCommand
{
    public const string Description = "The Fréchet distance (FID) between the features of two data sets; prints 'FID:  VALUE' as pytorch-fid does.";

    public static Command Create(ToolContext context) => MetricCommand.Create("fid", MetricSet.Fid, Description, context);
}
