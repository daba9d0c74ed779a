using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
using ScoreML.Data;
using ScoreML.Networks;

namespace ConsumeModel;

/// <summary>What to generate: a class (for conditional models), how many samples and the sampler seed.</summary>
internal sealed record GenerationRequest(string? Label, int Count, int Seed);

/// <summary>
/// Finds the generating ScoreML transformer in a loaded model (the last one of a chain) and asks it for samples through a
/// request view, as any ML.NET consumer would: rows in, a <c>Generated</c> column out.
/// </summary>
internal static class SampleSource
{
    public static Generator Find(ITransformer model, string file) =>
        new(Last(model) ?? throw new NotSupportedException($"Model file '{Path.GetFullPath(file)}' holds no ScoreML score model, classifier or conditional sampler."));

    internal sealed class Generator(ITransformer transformer)
    {
        public (IReadOnlyList<float[]> Samples, ImageShape? Shape) Generate(MLContext ml, GenerationRequest request)
        {
            if (request.Count == 0) throw new ArgumentException("--count must be at least 1.");
            switch (transformer)
            {
                case ScoreModelTransformer unconditional:
                {
                    var sampler = unconditional.Sampler.Clone();
                    sampler.Seed = request.Seed;
                    using var copy = unconditional.WithSampler(sampler);   // a copy holds its own share of the network
                    var generated = copy.Transform(ml.ScoreMatching().Data.Requests(request.Count));
                    return (generated.GetColumn<float[]>(unconditional.OutputColumnName).ToList(), ShapeOf(unconditional.Model));
                }
                case NoiseConditionalClassifierTransformer classifier:
                {
                    using var created = classifier.CreateSampler();
                    return Conditional(ml, created, request);
                }
                case ConditionalSamplingTransformer conditional:
                    return Conditional(ml, conditional, request);
                default:
                    throw new NotSupportedException($"{transformer.GetType().Name} does not generate samples.");
            }
        }
    }

    static (IReadOnlyList<float[]>, ImageShape?) Conditional(MLContext ml, ConditionalSamplingTransformer sampler, GenerationRequest request)
    {
        int c = ClassOf(sampler.Labels, request.Label);
        var options = sampler.Options.Clone();
        options.Sampler.Seed = request.Seed;
        options.SeedColumnName = null;   // the request view below carries classes only; the seed is the sampler's
        // The request view: one key-typed label per wanted sample (LoadFromEnumerable adds 1 to 0-based key values).
        var schema = SchemaDefinition.Create(typeof(ClassRequest));
        schema[0].ColumnName = options.LabelColumnName;
        schema[0].ColumnType = new KeyDataViewType(typeof(uint), sampler.Labels.Count);
        var requests = ml.Data.LoadFromEnumerable(Enumerable.Repeat(new ClassRequest { Label = (uint)c }, request.Count).ToList(), schema);
        using var copy = sampler.WithOptions(options);
        var generated = copy.Transform(requests);
        return (generated.GetColumn<float[]>(options.OutputColumnName).ToList(), sampler.Prior is { } prior ? ShapeOf(prior) : null);
    }

    static int ClassOf(LabelKeys labels, string? label)
    {
        string classes = labels.Names is null ? $"0..{labels.Count - 1}" : string.Join(", ", labels.Names);
        if (label is null) throw new ArgumentException($"--label is needed: the model is class-conditional (classes: {classes}).");
        int named = labels.ClassOf(label);
        if (named >= 0) return named;
        if (labels.Names is null && int.TryParse(label, out int index) && index >= 0 && index < labels.Count) return index;
        throw new ArgumentException($"--label '{label}' is not a class of the model (classes: {classes}).");
    }

    static ImageShape? ShapeOf(ScoreModel model) => (model.Network as NoiseConditionalUNet)?.Shape;

    static ITransformer? Last(ITransformer model) => model switch
    {
        ScoreModelTransformer or NoiseConditionalClassifierTransformer or ConditionalSamplingTransformer => model,
        TransformerChain<ITransformer> chain => chain.Reverse().Select(Last).FirstOrDefault(t => t is not null),
        _ => null,
    };

    sealed class ClassRequest
    {
        public uint Label { get; set; }
    }
}
