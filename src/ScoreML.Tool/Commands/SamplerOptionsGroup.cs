using System.CommandLine;
using ScoreML.Tool.Inputs;

namespace ScoreML.Tool.Commands;

/// <summary>The sampling options of <c>sample</c> and <c>evaluate</c>: how many rows, the sampler's seed, steps and batch, the class, the
/// classifier-free guidance weight.</summary>
internal sealed class SamplerOptionsGroup
{
    public readonly Option<int?> Seed = CommonOptions.OptionalInt("--seed", "The sampler's seed (default: the one saved in the model). A row's sample depends only on the seed and its row index.", int.MinValue);
    public readonly Option<int?> Steps = CommonOptions.OptionalInt("--sampler-steps", "The sampler's steps (default: the model's).", 1, SamplerOptions.MaxSteps);
    public readonly Option<int?> BatchSize = CommonOptions.OptionalInt("--batch-size", "Rows sampled at once (default: the model's). Shards start on whole batches: keep it the same in every shard.", 1);
    public readonly Option<double?> ClassifierFreeWeight = CommonOptions.ClassifierFreeWeight(
        "A classifier-free guided model's w, (1 + w) s(x | y) - w s(x), in [0, 100] (default: the model's; trained with --guidance classifier-free).");
    public readonly Option<int?> Class = CommonOptions.OptionalInt("--class", "A conditional model's class (0-based) for every row; by default row r is of class r mod the number of classes.", 0);

    public void AddTo(Command command)
    {
        command.Options.Add(Seed);
        command.Options.Add(Steps);
        command.Options.Add(BatchSize);
        command.Options.Add(Class);
        command.Options.Add(ClassifierFreeWeight);
    }

    public SamplerOverrides Overrides(ParseResult parse) => new(parse.GetValue(Seed), parse.GetValue(Steps), parse.GetValue(BatchSize), parse.GetValue(ClassifierFreeWeight));

    /// <summary>Which class row r is of, for a conditional sampler (null for an unconditional one); --class is refused for an unconditional model.</summary>
    public Func<long, int>? ClassOf(ParseResult parse, ModelSampler sampler)
    {
        int? chosen = parse.GetValue(Class);
        if (sampler.Classes is not int classes)
        {
            if (chosen is not null) throw new UsageException($"--class {chosen}: MODEL '{sampler.Path}' is an unconditional score model, which has no classes.");
            return null;
        }
        if (chosen >= classes) throw new UsageException($"--class {chosen}: MODEL '{sampler.Path}' has classes 0 .. {classes - 1}.");
        return chosen is int c ? _ => c : row => (int)(row % classes);
    }
}
