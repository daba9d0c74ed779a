using System.CommandLine;

namespace ScoreML.Tool.Commands;

/// <summary><c>scoreml metrics</c>: FID, KID, precision, recall, density and coverage of GENERATED against REAL, from one feature extraction.</summary>
internal static class MetricsCommand
{
    public const string Description = "FID, KID, precision, recall, density and coverage of GENERATED against REAL, from one feature extraction.";

    public static Command Create(ToolContext context) => MetricCommand.Create("metrics", MetricSet.All, Description, context);
}
