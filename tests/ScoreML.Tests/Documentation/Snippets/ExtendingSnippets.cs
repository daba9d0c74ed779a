#region Usings
using Microsoft.ML;
using ScoreML;
using TorchSharp;
using static TorchSharp.torch;
#endregion

namespace Snippets;

// The C# of docs/extending.md (compiled; ExtendingSnippetTests runs each piece).

#region Objective
/// <summary>Denoising score matching weighted towards low noise: lambda(sigma) = sigma^2 / (1 + sigma).</summary>
public sealed class LowNoiseDenoising : ScoreObjective
{
    public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
    {
        var z = randn(x0.shape, generator: generator, device: x0.device);   // all randomness from the run's generator
        var (noisy, std, _) = sde.Perturb(x0, t, z);                        // std is a column [B, 1]
        var score = network.forward(noisy, std.squeeze(1));
        return (score * std + z).square().sum(1) * 0.5 / (1 + std.squeeze(1));
    }
}
#endregion

#region ClassifierLoss
/// <summary>Cross-entropy of the noisy points with label smoothing; it reports its cross-entropy term.</summary>
public sealed class SmoothedCrossEntropy(double smoothing) : ClassifierObjective
{
    public override ClassifierLossTerms Loss(ClassifierBatch batch)
    {
        var logits = batch.Classifier.Logits(batch.NoisyPoints, batch.Std);
        var loss = nn.functional.cross_entropy(logits, batch.Labels, label_smoothing: smoothing);
        return new ClassifierLossTerms(loss, CrossEntropy: loss);
    }
}
#endregion

#region Sampler
/// <summary>Euler's method on the probability-flow ODE: deterministic, one network evaluation per step.</summary>
[ScoreMLComponent("MyCompany.EulerOde")]
public sealed class EulerOdeSampler : Sampler
{
    public int Steps { get; set; } = 100;   // public settable properties are the settings a saved model keeps

    public override Tensor Sample(SamplingContext context)
    {
        using var noGrad = no_grad();
        var sde = context.Sde;
        double dt = (context.Epsilon - sde.T) / Steps;   // negative: from t = T down to epsilon
        var x = context.SamplePrior();
        for (int i = 0; i < Steps; i++)
        {
            using var scope = NewDisposeScope();
            var t = context.Times(sde.T + dt * i);
            var next = x + dt * sde.ProbabilityFlowVelocity(x, t, context.Score(x, t));
            context.RequireFinite(i, Steps, next, (x, t));   // a diverging run stops with the step and the time
            x.Dispose();
            x = next.MoveToOuterDisposeScope();
        }
        return x;
    }
}
#endregion

#region Predictor
/// <summary>A predictor that follows the probability-flow ODE (no noise); the predictor-corrector sampler adds the corrector.</summary>
[ScoreMLComponent("MyCompany.OdePredictor")]
public sealed class OdePredictor : Predictor
{
    public override (Tensor X, Tensor Mean) Step(SamplingContext context, Tensor x, Tensor t)
    {
        double dt = -context.Sde.T / context.Options.Steps;
        var next = x + dt * context.Sde.ProbabilityFlowVelocity(x, t, context.Score(x, t));
        return (next, next);
    }
}
#endregion

#region Guidance
/// <summary>Pulls the samples of class c towards the point Prototypes[c]: the score of N(m(t) p_c, sigma^2 I), weighted.</summary>
[ScoreMLComponent("MyCompany.Prototypes")]
public sealed class PrototypeGuidance : GuidanceTerm
{
    public float[][] Prototypes { get; set; } = Array.Empty<float[]>();
    public double Weight { get; set; } = 0.5;

    public override Tensor Evaluate(GuidanceContext context)
    {
        var table = tensor(Prototypes.SelectMany(p => p).ToArray(), new long[] { Prototypes.Length, Prototypes[0].Length }, device: context.X.device);
        var target = context.Sde.MeanCoefficient(context.T).unsqueeze(1) * table.index_select(0, context.Labels);
        return Weight * (target - context.X) / context.Sigma.square().unsqueeze(1);
    }
}
#endregion

#region FeatureExtractor
/// <summary>Compares samples on their first few coordinates only.</summary>
public sealed class FirstCoordinates(int count) : IFeatureExtractor
{
    public string Identity => $"first {count} coordinates";   // stored with the metrics: different features are not comparable
    public string Name => $"first{count}";                    // metrics are named after it: fid_first1, kid_first1, ...
    public bool ProvidesLogits => false;

    public ExtractedFeatures Extract(FeatureMatrix inputs)
    {
        var values = new float[inputs.Rows * count];
        for (int row = 0; row < inputs.Rows; row++)
            Array.Copy(inputs.Values, row * inputs.Dimension, values, row * count, count);
        return new ExtractedFeatures(new FeatureMatrix(values, count, Identity), Logits: null, Classes: 0);
    }
}
#endregion

#region TrainingStep
/// <summary>Least squares on (x, y) rows: the loss of one batch is all a training run needs from its trainer.</summary>
public sealed class LeastSquares(nn.Module<Tensor, Tensor> network, Tensor x, Tensor y) : ITrainingStep
{
    public Tensor Loss(TrainingBatch batch) =>
        nn.functional.mse_loss(network.forward(x.index_select(0, batch.Indices)), y.index_select(0, batch.Indices));
}
#endregion

/// <summary>The calls docs/extending.md shows, each as a method the tests run.</summary>
public static class ExtendingSnippets
{
    public static ScoreModelTransformer UseObjective(MLContext ml, IDataView data)
    {
        #region UseObjective
        var model = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            CustomObjective = new LowNoiseDenoising(),   // takes the place of Objective
            Steps = 300,
        }).Fit(data);
        #endregion
        return model;
    }

    public static NoiseConditionalClassifierTransformer UseClassifierLoss(MLContext ml, ScoreModelTransformer prior, IDataView labelled)
    {
        #region UseClassifierLoss
        var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(prior, new DlsmClassifierOptions
        {
            CustomLoss = new SmoothedCrossEntropy(0.1),   // takes the place of Loss
            Steps = 300,
        }).Fit(labelled);
        #endregion
        return classifier;
    }

    public static float[] UseSamplerAndSave(MLContext ml, ScoreModelTransformer model, IDataView input, string path)
    {
        #region UseSampler
        ScoreMLRegistry.RegisterAssembly(typeof(EulerOdeSampler).Assembly);   // every [ScoreMLComponent] type, once per process
        using var euler = model.WithSampler(new SamplerOptions { Kind = SamplerKind.Custom, CustomSampler = new EulerOdeSampler { Steps = 50 } });
        ml.ScoreMatching().Model.Save(euler, input.Schema, path);   // an unregistered type would be refused here, by name
        using var loaded = (ScoreModelTransformer)ml.ScoreMatching().Model.Load(path, out _);
        float[] samples = loaded.Generate(100);                // drawn with EulerOdeSampler { Steps = 50 } again
        #endregion
        return samples;
    }

    public static float[] UsePredictor(ScoreModelTransformer model)
    {
        #region UsePredictor
        using var pc = model.WithSampler(new SamplerOptions { CustomPredictor = new OdePredictor(), Corrector = CorrectorKind.Langevin, Steps = 200 });
        float[] samples = pc.Generate(100);
        #endregion
        return samples;
    }

    public static float[] UseGuidance(ScoreModelTransformer prior)
    {
        #region UseGuidance
        var guidance = new PrototypeGuidance { Prototypes = new[] { new[] { -1f, 0f }, new[] { 1f, 0f } } };
        using var sampler = prior.CreateGuidedSampler(new LabelKeys(2), new ConditionalSamplerOptions { Guidance = guidance });
        float[] samples = sampler.Generate(new[] { 0, 1, 1 });   // one row per requested class
        #endregion
        return samples;
    }

    public static GenerativeMetrics UseFeatureExtractor(MLContext ml, IDataView real, IDataView generated)
    {
        #region UseFeatureExtractor
        var metrics = ml.ScoreMatching().Evaluate(real, generated, new GenerativeEvaluationOptions
        {
            FeatureExtractor = new FirstCoordinates(1),
            ComputeInceptionScore = false,   // needs logits, which these features have not
        });
        #endregion
        return metrics;
    }

    public static TrainingSummary UseTrainingRun()
    {
        #region UseTrainingRun
        using var x = rand(256, 3);
        using var y = x.sum(1, keepdim: true);
        using var network = nn.Linear(3, 1);
        using var run = new TrainingRun(network, new TrainingOptions { Steps = 200, BatchSize = 32, LearningRate = 1e-2 },
            new LeastSquares(network, x, y), new TrainingRunSettings { Rows = 256 });
        TrainingSummary summary = run.Run();   // batches, Adam, clipping, NaN stop, progress, cancellation: as every trainer
        #endregion
        return summary;
    }
}
