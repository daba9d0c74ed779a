namespace ScoreML.Tool;

/// <summary>A command line that asks for something that cannot be done (an option combination, an option's value that
/// does not fit the data): exit code 2, as a parse error.</summary>
internal sealed class UsageException(string message) : Exception(message);
