#region Usings
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML;
#endregion

namespace Snippets;

/// <summary>The C# of docs/sampling.md (compiled).</summary>
public static class SamplingSnippets
{
    public static void ChangeTheSampler(ScoreModelTransformer model, MLContext ml)
    {
        #region ChangeTheSampler
        // The same trained network, another sampler: deterministic probability-flow ODE with 200 Heun steps.
        using var ode = model.WithSampler(new SamplerOptions { Kind = SamplerKind.ProbabilityFlowOde, Steps = 200, Seed = 3 });
        IDataView samples = ode.Transform(ml.ScoreMatching().Data.Requests(1000));
        float[] flat = ode.Generate(100);   // or straight into an array, row-major
        #endregion
    }

    public static float[] PredictionEngineAndProgress(MLContext ml, IDataView points, CancellationToken token)
    {
        #region PredictionEngineAndProgress
        // Each request carries its own seed, so a row's sample no longer depends on its place: one row in, one sample out.
        using var model = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            Steps = 200,
            SeedColumnName = "Seed",
            Sampler = new SamplerOptions
            {
                Kind = SamplerKind.Ddim,
                Evaluations = 20,
                Progress = new Progress<SamplingProgress>(p => Console.WriteLine($"{p.RowsDone}/{p.TotalRows} rows, {p.Remaining} left")),
                CancellationToken = token,   // or MLContext.CancelExecution(): either stops sampling before the next step
            },
        }).Fit(points);
        var engine = ml.Model.CreatePredictionEngine<SeededRequest, GeneratedSample>(model);
        float[] sample = engine.Predict(new SeededRequest { Seed = 42 }).Generated;
        #endregion
        return sample;
    }

    #region PredictionEngineTypes
    public sealed class SeededRequest
    {
        public int Seed { get; set; }
    }

    public sealed class GeneratedSample
    {
        [VectorType(2)]
        public float[] Generated { get; set; } = Array.Empty<float>();
    }
    #endregion

    public static void FastSamplers(ScoreModelTransformer model, NoiseConditionalClassifierTransformer classifier)
    {
        #region FastSamplers
        // DPM-Solver++(2M) on the Karras schedule with a budget of 20 network evaluations per sample.
        using var fast = model.WithSampler(new SamplerOptions { Kind = SamplerKind.DpmSolver2M, Evaluations = 20 });
        float[] images = fast.Generate(1000);

        // EDM's Heun sampler with stochastic churn, guided by the classifier (DLSM or base: the same code).
        using var guided = classifier.CreateSampler(new ConditionalSamplerOptions
        {
            Sampler = new SamplerOptions { Kind = SamplerKind.Heun, Evaluations = 35, Churn = 10 },
        });
        #endregion
    }

    public static void ConditionalSampling(NoiseConditionalClassifierTransformer classifier, MLContext ml, IDataView requests)
    {
        #region ConditionalSampling
        // Requests name a class by key or by the original label value; alpha > 1 is the "scaling" method.
        using var sampler = classifier.CreateSampler(new ConditionalSamplerOptions
        {
            GuidanceScale = 1,
            Sampler = new SamplerOptions { Steps = 500 },
        });
        IDataView samples = sampler.Transform(requests);                  // adds "Generated"
        IDataView perClass = sampler.GenerateForEachClass(ml, 1000);      // Label and Generated, 1000 rows per class
        #endregion
    }

    public static float[] ClassifierFreeGuidance(MLContext ml, IDataView labelledData, IDataView requests)
    {
        #region ClassifierFreeGuidance
        // One network learns s(x, t | y) and, by dropping 10 % of the labels, the unconditional s(x, t).
        using var conditional = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            LabelColumnName = "Label",     // a key column (MapValueToKey)
            LabelDropout = 0.1,
            Steps = 1500,
        }).Fit(labelledData);

        // Score (1 + w) s(x, t | y) - w s(x, t); w = 0 is the conditional model as trained.
        using var sampler = conditional.CreateSampler(new ConditionalSamplerOptions
        {
            ClassifierFreeGuidanceWeight = 1,
            Sampler = new SamplerOptions { Kind = SamplerKind.Ddim, Evaluations = 20 },
        });
        IDataView samples = sampler.Transform(requests);   // requests name a class, as above
        #endregion
        return samples.GetColumn<VBuffer<float>>("Generated").SelectMany(v => v.DenseValues()).ToArray();
    }
}
