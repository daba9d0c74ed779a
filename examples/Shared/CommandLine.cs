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

    /// <summary>The whole number after <paramref name="name"/>, or <paramref name="fallback"/>; an error names the option.</summary>
    public int Int(string name, int fallback) =>
        Value(name) is not string text ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value) ? value
        : throw new ArgumentException($"{name} needs a whole number, not '{text}'.");

    /// <summary>The number after <paramref name="name"/>, or <paramref name="fallback"/>; an error names the option.</summary>
    public double Double(string name, double fallback) =>
        Value(name) is not string text ? fallback
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) ? value
        : throw new ArgumentException($"{name} needs a number, not '{text}'.");
}
