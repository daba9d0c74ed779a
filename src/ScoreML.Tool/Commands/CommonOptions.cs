using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ScoreML.Tool.Features;
using ScoreML.Tool.Inputs;

namespace ScoreML.Tool.Commands;

/// <summary>The options several commands share, each made anew for the command that adds it.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print the result as one JSON object on standard output (errors too)." };

    public static Option<Shard?> ShardOption(string rows) => new("--shard")
    {
        Description = $"Do only shard i of N (0-based, e.g. 2/4): {rows}. Merge the shards' outputs with 'scoreml merge'.",
        HelpName = "i/N",
        CustomParser = result =>
        {
            if (Shard.TryParse(result.Tokens[0].Value, out var shard, out var error)) return shard;
            result.AddError(error);
            return null;
        },
    };

    public static Option<FeatureChoice> FeaturesOption() => new("--features")
    {
        Description = "The features the metrics compare: auto (ResNet-18 for images, the rows themselves for vectors), resnet18 (ML.NET's pretrained " +
            "ResNet-18), identity (the rows themselves) or onnx:FILE (a network of your own; see the --onnx-* options).",
        HelpName = "auto|resnet18|identity|onnx:FILE",
        DefaultValueFactory = _ => new FeatureChoice(FeatureKind.Auto),
        CustomParser = result =>
        {
            if (FeatureChoice.TryParse(result.Tokens[0].Value, out var choice, out var error)) return choice;
            result.AddError(error);
            return new FeatureChoice(FeatureKind.Auto);
        },
    };

    public static Option<ImageShape?> ShapeOption() => new("--shape")
    {
        Description = "Read the rows of CSV, NPY and 2-D IDX files as images of this shape (channels x height x width, channel-major), e.g. 1x28x28.",
        HelpName = "CxHxW",
        CustomParser = result =>
        {
            var parts = result.Tokens[0].Value.ToLowerInvariant().Split('x');
            if (parts.Length == 3 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 && v <= 16384))
                return new ImageShape(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
            result.AddError($"--shape must be CxHxW with positive numbers (e.g. 3x32x32), not '{result.Tokens[0].Value}'.");
            return null;
        },
    };

    public static Option<(int Width, int Height)?> SizeOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "WxH",
        CustomParser = result =>
        {
            if (TryParseSize(result.Tokens[0].Value, out var size)) return size;
            result.AddError($"{name} must be WxH with positive numbers (e.g. 32x32), not '{result.Tokens[0].Value}'.");
            return null;
        },
    };

    static bool TryParseSize(string text, out (int Width, int Height) size)
    {
        size = default;
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) || w < 1 || h < 1 || w > 16384 || h > 16384) return false;
        size = (w, h);
        return true;
    }

    public static Option<bool> Grayscale() => new("--grayscale") { Description = "Read image folders as one grey channel (BT.601 luma) instead of RGB." };

    /// <summary>An int option with a default, refused outside [min, max] with a message naming it.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < min || value > max) result.AddError($"{name} must be in [{min}, {max}]; it is {value}.");
        });
        return option;
    }

    /// <summary><c>--resamples N</c>: the bootstrap resamples behind each metric's interval (0 for none), as the library's evaluator.</summary>
    public static Option<int> Resamples() => Int("--resamples",
        "Bootstrap resamples behind each metric's confidence interval (0 for none): over GENERATED's rows for FID, precision and density, " +
        "over REAL's for recall and coverage, as the library's evaluator; a statistics file has no rows to resample.",
        200, 0, GenerativeEvaluationOptions.MaxIntervalResamples);

    /// <summary><c>--level X</c>: the confidence level of the intervals.</summary>
    public static Option<double> Level()
    {
        var option = new Option<double>("--level") { Description = "The confidence level of the intervals, in [0.5, 0.999].", DefaultValueFactory = _ => 0.95, HelpName = "X" };
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (!(value >= 0.5 && value <= ConfidenceInterval.MaxLevel))
                result.AddError($"--level must be in [0.5, {ConfidenceInterval.MaxLevel.ToString(System.Globalization.CultureInfo.InvariantCulture)}]; it is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        });
        return option;
    }

    /// <summary><c>--cfg-weight W</c>: classifier-free guidance's w (null when not given), refused outside [0, ClassifierFreeGuidance.MaxWeight].</summary>
    public static Option<double?> ClassifierFreeWeight(string description)
    {
        var option = new Option<double?>("--cfg-weight") { Description = description, HelpName = "W" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is double w && !(w >= 0 && w <= ClassifierFreeGuidance.MaxWeight))
                result.AddError($"--cfg-weight must be in [0, {ClassifierFreeGuidance.MaxWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}]; " +
                    $"it is {w.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        });
        return option;
    }

    /// <summary>An optional int option (null when not given), refused outside [min, max].</summary>
    public static Option<int?> OptionalInt(string name, string description, int min, int max = int.MaxValue)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int value && (value < min || value > max)) result.AddError($"{name} must be in [{min}, {max}]; it is {value}.");
        });
        return option;
    }

    /// <summary>The ONNX settings of <c>--features onnx:FILE</c>.</summary>
    public sealed class OnnxOptions
    {
        public readonly Option<string> Input = new("--onnx-input") { Description = "With --features onnx:FILE: the network's image input.", DefaultValueFactory = _ => "images", HelpName = "NAME" };
        public readonly Option<string> Output = new("--onnx-output") { Description = "With --features onnx:FILE: the output that holds the features.", DefaultValueFactory = _ => "features", HelpName = "NAME" };
        public readonly Option<(int Width, int Height)?> Size = SizeOption("--onnx-size", "With --features onnx:FILE: resize images bilinearly to the network's input size (default: the network's own fixed size, else the images').");
        public readonly Option<float> Scale = new("--onnx-scale") { Description = "With --features onnx:FILE: pixels in [0, 1] become pixel * SCALE + SHIFT (2 and -1 give [-1, 1]).", DefaultValueFactory = _ => 1f, HelpName = "SCALE" };
        public readonly Option<float> Shift = new("--onnx-shift") { Description = "With --features onnx:FILE: the shift of the pixel scaling.", DefaultValueFactory = _ => 0f, HelpName = "SHIFT" };

        public void AddTo(Command command)
        {
            command.Options.Add(Input);
            command.Options.Add(Output);
            command.Options.Add(Size);
            command.Options.Add(Scale);
            command.Options.Add(Shift);
        }

        public FeatureChoice Apply(FeatureChoice choice, ParseResult parse) => choice with
        {
            OnnxInput = parse.GetValue(Input)!,
            OnnxOutput = parse.GetValue(Output)!,
            OnnxSize = parse.GetValue(Size),
            OnnxScale = parse.GetValue(Scale),
            OnnxShift = parse.GetValue(Shift),
        };
    }
}
