using System.CommandLine;

namespace ScoreML.Tool.Commands;

/// <summary><c>scoreml kid</c>: The kernel inception distance (KID: unbiased MMD² with a cubic kernel, averaged over random subsets) between two data sets.</summary>
internal static class KidCommand
{
    public const string Description = "The kernel inception distance (KID: unbiased MMD² with a cubic kernel, averaged over random subsets) between two data sets.";

    public static Command Create(ToolContext context) => MetricCommand.Create("kid", MetricSet.Kid, Description, context);
}
