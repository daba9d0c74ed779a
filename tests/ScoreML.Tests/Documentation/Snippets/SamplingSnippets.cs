#region Usings
using Microsoft.ML;
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
}
