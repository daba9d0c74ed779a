using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;
using TorchSharp;
using static ScoreML.Tests.Training.CheckpointTestRuns;
using static TorchSharp.torch;

namespace ScoreML.Tests.Objectives;

/// <summary>
/// A user's own score objective (<see cref="ScoreModelOptions.CustomObjective"/>) and classifier loss
/// (<see cref="DlsmClassifierOptions.CustomLoss"/>) train through Fit exactly as the built-ins do: written to compute what a
/// built-in computes, they give its losses and weights to the bit.
/// </summary>
[TestClass]
public sealed class CustomObjectiveTests
{
    [TestMethod]
    public void AUserWrittenObjectiveTrainsThroughFit()
    {
        var objective = new ScaledDenoising(scale: 1);
        using var builtIn = FitScoreModel(Options());
        var options = Options();
        options.Objective = Objective.Ssm;   // ignored: the custom objective wins
        options.CustomObjective = objective;
        using var custom = FitScoreModel(options);

        Assert.AreEqual(20, objective.Calls, "one call per step");
        CollectionAssert.AreEqual(builtIn.Model.Training!.Losses, custom.Model.Training!.Losses);
        AssertSameWeights(builtIn.Model.Network, custom.Model.Network);
        // It samples like any model.
        Assert.HasCount(5, custom.Transform(Ml.ScoreMatching().Data.Requests(5)).GetColumn<float[]>("Generated").ToArray());
    }

    [TestMethod]
    public void AUserWrittenObjectiveIsNotBoundByTheBuiltInsLimits()
    {
        // Exact is refused above 64 dimensions; a custom objective is the user's to size.
        var options = Options();
        options.Objective = Objective.Exact;
        options.CustomObjective = new ScaledDenoising(scale: 2);
        options.ValidateFor(ScoreModelOptions.ExactMaxDimension + 1);
        options.CustomObjective = null;
        Assert.ThrowsExactly<ArgumentException>(() => options.ValidateFor(ScoreModelOptions.ExactMaxDimension + 1));
    }

    [TestMethod]
    public void AUserWrittenClassifierLossTrainsThroughFit()
    {
        var builtInReports = new List<ClassifierTrainingProgress>();
        var customReports = new List<ClassifierTrainingProgress>();
        var options = ClassifierOptions();
        options.Loss = ClassifierLoss.CrossEntropy;
        options.Steps = 20;
        options.Progress = Progress<ClassifierTrainingProgress>(builtInReports.Add);
        using var builtIn = FitClassifier(options);
        var loss = new PlainCrossEntropy();
        options.Loss = ClassifierLoss.Dlsm;   // ignored: the custom loss wins
        options.CustomLoss = loss;
        options.Progress = Progress<ClassifierTrainingProgress>(customReports.Add);
        using var custom = FitClassifier(options);

        Assert.AreEqual(20, loss.Calls);
        CollectionAssert.AreEqual(builtInReports.Select(r => r.Loss).ToArray(), customReports.Select(r => r.Loss).ToArray());
        AssertSameWeights(builtIn.Classifier.Network, custom.Classifier.Network);
        Assert.IsFalse(float.IsNaN(builtInReports[^1].CrossEntropy), "the built-in reports its cross-entropy term");
        Assert.IsTrue(float.IsNaN(customReports[^1].CrossEntropy), "a loss that gives no terms reports NaN for them");
        Assert.IsTrue(float.IsNaN(customReports[^1].Dlsm));
    }

    static ScoreModelOptions Options() => new()
    {
        Steps = 20,
        BatchSize = 64,
        Seed = 4,
        Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 } },
        Sampler = new SamplerOptions { Steps = 10 },
    };

    /// <summary>Denoising score matching times a constant: with scale 1, the built-in DSM.</summary>
    sealed class ScaledDenoising(double scale) : ScoreObjective
    {
        public int Calls { get; private set; }

        public override Tensor PointLosses(NoiseConditionalNetwork network, StochasticDifferentialEquation sde, Tensor x0, Tensor t, Generator generator)
        {
            Calls++;
            var z = randn(x0.shape, generator: generator, device: x0.device);
            var (perturbed, std, _) = sde.Perturb(x0, t, z);
            var score = network.forward(perturbed, std.squeeze(1));
            var losses = (score * std + z).square().sum(1) * 0.5;
            return scale == 1 ? losses : losses * scale;
        }
    }

    /// <summary>Cross-entropy of the noisy points, without reporting terms.</summary>
    sealed class PlainCrossEntropy : ClassifierObjective
    {
        public int Calls { get; private set; }

        public override ClassifierLossTerms Loss(ClassifierBatch batch)
        {
            Calls++;
            return new ClassifierLossTerms(nn.functional.cross_entropy(batch.Classifier.Logits(batch.NoisyPoints, batch.Std), batch.Labels));
        }
    }
}
