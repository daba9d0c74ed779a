using ScoreML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A noise-conditional MLP f(x, sigma) with a chosen number of outputs: the data dimension for a score network,
/// the number of classes for a classifier. <see cref="MlpOptions.Layout"/> says where sigma's embedding joins x.
/// </summary>
public sealed class NoiseConditionalMlp : NoiseConditionalNetwork
{
    readonly Sequential body;               // Joint: the whole network; TwoBranch: the x branch
    readonly Sequential? noiseBranch;       // TwoBranch only
    readonly Linear? head;                  // TwoBranch only
    readonly Parameter? fourierFrequencies; // fixed, not trained; stored so the saved weights carry it
    readonly ClassEmbedding? classEmbedding; // class-conditional networks only
    readonly NoiseEmbeddingKind embedding;
    readonly bool scaleBySigma;

    /// <param name="inputs">Data dimension D.</param>
    /// <param name="outputs">Output width (D for a score, the class count for a classifier).</param>
    /// <param name="options">Network shape.</param>
    /// <param name="seed">Seeds the weight initialisation and the Fourier frequencies.</param>
    public NoiseConditionalMlp(int inputs, int outputs, MlpOptions options, long seed) : this(inputs, outputs, options, seed, 0) { }

    /// <param name="inputs">Data dimension D.</param>
    /// <param name="outputs">Output width (D for a score, the class count for a classifier).</param>
    /// <param name="options">Network shape.</param>
    /// <param name="seed">Seeds the weight initialisation, the Fourier frequencies and the class embedding.</param>
    /// <param name="conditionClasses">The classes of a class-conditional network (at least 2), whose learned embedding of
    /// <see cref="MlpOptions.ClassEmbeddingWidth"/> values joins the noise embedding; 0 for an unconditional one.</param>
    public NoiseConditionalMlp(int inputs, int outputs, MlpOptions options, long seed, int conditionClasses)
        : base(nameof(NoiseConditionalMlp), inputs, outputs, conditionClasses)
    {
        options.Validate();
        Options = options.Clone();
        embedding = options.NoiseEmbedding;
        scaleBySigma = options.ScaleOutputBySigma;
        using var generator = new Generator((ulong)seed);
        int embeddingWidth = 1;
        if (embedding == NoiseEmbeddingKind.Fourier)
        {
            embeddingWidth = options.FourierFeatures;
            fourierFrequencies = nn.Parameter(randn(new long[] { options.FourierFeatures / 2 }, generator: generator) * options.FourierScale, requires_grad: false);
        }
        // The class vector joins the noise embedding's values; an unconditional network draws nothing for it, so its weights
        // are what they were before class conditioning existed.
        int conditionWidth = embeddingWidth + (conditionClasses > 0 ? options.ClassEmbeddingWidth : 0);

        if (options.Layout == NetworkLayout.Joint)
        {
            body = Mlp(inputs + conditionWidth, options.HiddenSizes, outputs, options.Activation, generator);
        }
        else
        {
            body = Mlp(inputs, options.HiddenSizes[..^1], options.HiddenSizes[^1], options.Activation, generator);
            noiseBranch = Mlp(conditionWidth, options.NoiseBranchSizes[..^1], options.NoiseBranchSizes[^1], options.Activation, generator);
            head = SeededLinear(options.HiddenSizes[^1] + options.NoiseBranchSizes[^1], outputs, generator);
        }
        if (conditionClasses > 0) classEmbedding = new ClassEmbedding(conditionClasses, options.ClassEmbeddingWidth, generator);
        RegisterComponents();
    }

    /// <summary>A copy of the options the network was built with (changing it does not change the network).</summary>
    public MlpOptions Options { get; }
    /// <summary>Whether the output is divided by sigma, as <see cref="MlpOptions.ScaleOutputBySigma"/> was when the network was built.</summary>
    public override bool ScalesOutputBySigma => scaleBySigma;

    /// <param name="x">[B, D] inputs.</param>
    /// <param name="sigma">[B] noise standard deviations.</param>
    public override Tensor forward(Tensor x, Tensor sigma) => Run(x, sigma, null);

    /// <param name="x">[B, D] inputs.</param>
    /// <param name="sigma">[B] noise standard deviations.</param>
    /// <param name="classes">[B] Int64 classes, <see cref="NoiseConditionalNetwork.NoClass"/> for none.</param>
    public override Tensor forward(Tensor x, Tensor sigma, Tensor classes)
    {
        if (classEmbedding is null) return base.forward(x, sigma, classes);
        RequireClasses(x, classes);
        return Run(x, sigma, classes);
    }

    Tensor Run(Tensor x, Tensor sigma, Tensor? classes)
    {
        using var scope = NewDisposeScope();
        var embedded = Condition(sigma, classes);
        var output = head is null
            ? body.call(cat(new[] { x, embedded }, 1))
            : head.call(cat(new[] { body.call(x), noiseBranch!.call(embedded) }, 1));
        if (scaleBySigma) output = output / sigma.unsqueeze(1);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The activations that feed the output layer. In the two-branch layout, the x branch's output only, since the noise
    /// branch is constant at a fixed sigma.
    /// </summary>
    public override Tensor PenultimateFeatures(Tensor x, Tensor sigma)
    {
        using var scope = NewDisposeScope();
        Tensor hidden;
        if (head is not null)
        {
            hidden = body.call(x);
        }
        else
        {
            hidden = cat(new[] { x, Condition(sigma, null) }, 1);
            var layers = body.children().Cast<nn.Module<Tensor, Tensor>>().ToList();
            foreach (var layer in layers.Take(layers.Count - 1)) hidden = layer.call(hidden);
        }
        return hidden.MoveToOuterDisposeScope();
    }

    // The noise embedding, and beside it the class embedding of a class-conditional network ("no class" when classes is null).
    Tensor Condition(Tensor sigma, Tensor? classes)
    {
        var noise = Embed(sigma.unsqueeze(1));
        if (classEmbedding is null) return noise;
        var embeddedClasses = classes is null ? classEmbedding.Unconditional(sigma.shape[0], sigma.device) : classEmbedding.call(classes);
        return cat(new[] { noise, embeddedClasses.to(noise.dtype) }, 1);
    }

    Tensor Embed(Tensor sigma) => embedding switch
    {
        NoiseEmbeddingKind.Sigma => sigma,
        NoiseEmbeddingKind.LogSigma => sigma.log(),
        _ => cat(new[] { sin(2 * Math.PI * sigma.log() * fourierFrequencies!), cos(2 * Math.PI * sigma.log() * fourierFrequencies!) }, 1),
    };

    // Linear layers of the given widths with the activation between them; the last layer is linear.
    static Sequential Mlp(int inputs, int[] hidden, int outputs, Activation activation, Generator generator)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int width = inputs;
        foreach (int h in hidden)
        {
            layers.Add(SeededLinear(width, h, generator));
            layers.Add(activation == Activation.ReLU ? nn.ReLU() : nn.SiLU());
            width = h;
        }
        layers.Add(SeededLinear(width, outputs, generator));
        return nn.Sequential(layers);
    }

    // PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from our generator
    // so that the same seed gives the same network whatever else used the global generator before.
    static Linear SeededLinear(int inputs, int outputs, Generator generator)
    {
        var linear = nn.Linear(inputs, outputs);
        double bound = 1.0 / Math.Sqrt(inputs);
        using (no_grad())
        {
            linear.weight!.copy_(rand(new long[] { outputs, inputs }, generator: generator) * (2 * bound) - bound);
            linear.bias!.copy_(rand(new long[] { outputs }, generator: generator) * (2 * bound) - bound);
        }
        return linear;
    }
}
