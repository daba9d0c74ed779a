using System.Globalization;

namespace ScoreML;

/// <summary>
/// The range checks of the options classes' <c>Validate</c> methods, so that every refusal reads the same way: it names the
/// option as the user reaches it (with its parent's prefix where the options class has one, e.g. "Sampler.Snr"), the allowed
/// range and the value given: "Sampler.Snr must be a finite number in (0, 1]; got Infinity." The exception's ParamName is the
/// property's own name ("Snr"). Every floating-point check refuses NaN and the infinities.
/// </summary>
internal static class OptionChecks
{
    /// <summary>Throws unless <paramref name="value"/> is finite and in the interval from low to high, open at an end whose flag is set.</summary>
    public static void InRange(double value, string option, double low, double high, bool lowOpen = false, bool highOpen = false)
    {
        bool aboveLow = lowOpen ? value > low : value >= low;
        bool belowHigh = highOpen ? value < high : value <= high;
        if (double.IsFinite(value) && aboveLow && belowHigh) return;
        throw Refusal(option, $"a finite number in {(lowOpen ? "(" : "[")}{Format(low)}, {Format(high)}{(highOpen ? ")" : "]")}", Format(value));
    }

    /// <summary>As <see cref="InRange(double, string, double, double, bool, bool)"/> for an optional value; null passes.</summary>
    public static void InRange(double? value, string option, double low, double high, bool lowOpen = false, bool highOpen = false)
    {
        if (value is double v) InRange(v, option, low, high, lowOpen, highOpen);
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and above zero (for options with no natural upper bound).</summary>
    public static void Positive(double value, string option)
    {
        if (double.IsFinite(value) && value > 0) return;
        throw Refusal(option, "a finite positive number", Format(value));
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative (for options with no natural upper bound).</summary>
    public static void NotNegative(double value, string option)
    {
        if (double.IsFinite(value) && value >= 0) return;
        throw Refusal(option, "a finite number of at least 0", Format(value));
    }

    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static void Finite(double value, string option)
    {
        if (double.IsFinite(value)) return;
        throw Refusal(option, "a finite number", Format(value));
    }

    /// <summary>Throws unless low &lt;= <paramref name="value"/> &lt;= high.</summary>
    public static void InRange(int value, string option, int low, int high)
    {
        if (value >= low && value <= high) return;
        throw Refusal(option, $"an integer in [{low}, {high}]", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>As <see cref="InRange(int, string, int, int)"/> for an optional value; null passes.</summary>
    public static void InRange(int? value, string option, int low, int high)
    {
        if (value is int v) InRange(v, option, low, high);
    }

    /// <summary>Throws unless <paramref name="value"/> is an even integer in [low, high] (widths of sine-cosine feature pairs).</summary>
    public static void EvenInRange(int value, string option, int low, int high)
    {
        if (value >= low && value <= high && value % 2 == 0) return;
        throw Refusal(option, $"an even integer in [{low}, {high}]", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Throws unless <paramref name="values"/> is non-null, has at least <paramref name="minimumCount"/> entries, and each lies in [low, high].</summary>
    public static void AllInRange(int[]? values, string option, int low, int high, int minimumCount = 1)
    {
        if (values is not null && values.Length >= minimumCount && values.All(v => v >= low && v <= high)) return;
        string count = minimumCount > 0 ? $"at least {minimumCount} {(minimumCount == 1 ? "entry" : "entries")}, each" : "entries each";
        string got = values is null ? "null" : $"[{string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]";
        throw Refusal(option, $"a list of {count} an integer in [{low}, {high}]", got);
    }

    /// <summary>Throws unless <paramref name="value"/> is a defined member of its enum.</summary>
    public static void Defined<TEnum>(TEnum value, string option) where TEnum : struct, Enum
    {
        if (Enum.IsDefined(value)) return;
        throw Refusal(option, $"one of {string.Join(", ", Enum.GetNames<TEnum>())}", value.ToString());
    }

    /// <summary>The exception every check throws: "{option} must be {what}; got {got}.", ParamName the option's last part.</summary>
    public static ArgumentOutOfRangeException Refusal(string option, string what, string got) =>
        new(option[(option.LastIndexOf('.') + 1)..], $"{option} must be {what}; got {got}.");

    public static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
