using System.CommandLine;

namespace ScoreML.Tool.Commands;

/// <summary><c>scoreml prdc</c>: Precision, recall, density and coverage (k-nearest-neighbour manifolds) of GENERATED against REAL.</summary>
internal static class PrdcCommand
{
    public const string Description = "Precision, recall, density and coverage (k-nearest-neighbour manifolds) of GENERATED against REAL.";

    public static Command Create(ToolContext context) => MetricCommand.Create("prdc", MetricSet.Prdc, Description, context);
}
