namespace ScoreML.Examples;

/// <summary>The examples' few command-line options: flags and "--name value" pairs.</summary>
internal sealed class CommandLine
{
    readonly string[] args;

    public CommandLine(string[] args) => this.args = args;

    public bool Has(string flag) => args.Contains(flag);

    /// <summary>The value after <paramref name="name"/>, or null when the option is absent.</summary>
    public string? Value(string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value.");
        return args[i + 1];
    }
}
