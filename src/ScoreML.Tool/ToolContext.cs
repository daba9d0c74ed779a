namespace ScoreML.Tool;

/// <summary>Where a command writes (results to <see cref="Out"/>, progress, warnings and errors to <see cref="Error"/>) and its cancellation (Ctrl-C).</summary>
internal sealed record ToolContext(TextWriter Out, TextWriter Error, CancellationToken Cancellation);
