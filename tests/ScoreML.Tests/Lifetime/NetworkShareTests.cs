using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Transforms.Persistence;
using ScoreML.Transforms.Sampling;
using static ScoreML.Tests.Lifetime.LifetimeFixtures;
using static TorchSharp.torch;

namespace ScoreML.Tests.Lifetime;

/// <summary>
/// The reference count behind the lifetime rule: a network lives while any ScoreModel or NoiseConditionalClassifier
/// reference to it (the transformers' and their copies' included) is undisposed, and is freed by the last one, whichever
/// that is. A freed network's weight tensors lose their native handles, which is what the tests watch.
/// </summary>
[TestClass]
public sealed class NetworkShareTests
{
    public TestContext TestContext { get; set; } = null!;

    static Tensor AWeightOf(nn.Module network) => network.parameters().First();

    static float[] Scores(ScoreModel model)
    {
        using var scope = NewDisposeScope();
        return model.AsScoreFunction()(ones(3, 2), full(3, 0.5)).data<float>().ToArray();
    }

    [TestMethod]
    public void AScoreModelShareKeepsTheNetworkUntilTheLastReferenceIsDisposed()
    {
        foreach (bool originalFirst in new[] { true, false })
        {
            var network = ScoreNetwork();
            var weight = AWeightOf(network);
            var original = new ScoreModel(network, SmallSde, CPU);
            var share = original.Share();
            Assert.AreSame(original.Network, share.Network, "a share is the same network, not a copy");
            float[] expected = Scores(original);
            var (first, second) = originalFirst ? (original, share) : (share, original);

            first.Dispose();
            Assert.IsFalse(weight.IsInvalid, $"original first: {originalFirst}");
            CollectionAssert.AreEqual(expected, Scores(second));
            Assert.ThrowsExactly<ObjectDisposedException>(() => first.Share());
            second.Dispose();
            Assert.IsTrue(weight.IsInvalid, $"original first: {originalFirst}: the last reference frees the network");
        }
    }

    [TestMethod]
    public void AClassifierShareKeepsTheNetworkUntilTheLastReferenceIsDisposed()
    {
        var network = ClassifierNetwork();
        var weight = AWeightOf(network);
        var original = new NoiseConditionalClassifier(network, softmaxEpsilon: 1e-8);
        var share = original.Share();
        Assert.AreEqual(original.SoftmaxEpsilon, share.SoftmaxEpsilon);
        original.Dispose();
        original.Dispose();   // a second Dispose of the same reference must not release the share's
        Assert.IsFalse(weight.IsInvalid);
        using (var x = ones(3, 2))
        using (var sigma = full(3, 0.5))
        using (var logits = share.Logits(x, sigma))
            Assert.AreEqual(2L, logits.shape[1]);
        share.Dispose();
        Assert.IsTrue(weight.IsInvalid);
    }

    [TestMethod]
    public void TransformersAndTheirCopiesFreeTheNetworksWithTheLastOfThem()
    {
        var scoreNetwork = ScoreNetwork();
        var classifierNetwork = ClassifierNetwork();
        var scoreWeight = AWeightOf(scoreNetwork);
        var classifierWeight = AWeightOf(classifierNetwork);
        var scores = new ScoreModelTransformer(new ScoreModel(scoreNetwork, SmallSde, CPU), FewSteps());
        var copy = scores.WithSampler(FewSteps(4));
        var classifier = new NoiseConditionalClassifierTransformer(scores.Model, new NoiseConditionalClassifier(classifierNetwork), new LabelKeys(2));
        var sampler = classifier.CreateSampler(new ConditionalSamplerOptions { Sampler = FewSteps() });
        var resampler = sampler.WithOptions(new ConditionalSamplerOptions { GuidanceScale = 2, Sampler = FewSteps() });

        foreach (var holder in new IDisposable[] { scores, classifier, copy, sampler })
        {
            holder.Dispose();
            Assert.IsFalse(scoreWeight.IsInvalid, $"after {holder.GetType().Name}: the score network is still held");
            Assert.IsFalse(classifierWeight.IsInvalid, $"after {holder.GetType().Name}: the classifier network is still held");
        }
        Assert.HasCount(6, resampler.Generate(new[] { 0, 1, 1 }));
        resampler.Dispose();
        Assert.IsTrue(scoreWeight.IsInvalid, "the last holder frees the score network");
        Assert.IsTrue(classifierWeight.IsInvalid, "the last holder frees the classifier network");
    }

    [TestMethod]
    public void LoadedModelsHoldNoReferenceBeyondTheirOwn()
    {
        string folder = Path.Combine(TestContext.TestRunDirectory ?? Path.GetTempPath(), $"{TestContext.TestName}-{Guid.NewGuid():N}");
        string scoresPath = Path.Combine(folder, "scores.zip"), samplerPath = Path.Combine(folder, "sampler.zip");
        var schema = Ml.ScoreMatching().Data.Requests(1).Schema;
        using (var scores = new ScoreModelTransformer(new ScoreModel(ScoreNetwork(), SmallSde, CPU), FewSteps()))
        using (var classifier = new NoiseConditionalClassifierTransformer(scores.Model, new NoiseConditionalClassifier(ClassifierNetwork()), new LabelKeys(2)))
        using (var sampler = classifier.CreateSampler(new ConditionalSamplerOptions { Sampler = FewSteps() }))
        {
            Ml.ScoreMatching().Model.Save(scores, schema, scoresPath);
            Ml.ScoreMatching().Model.Save(sampler, schema, samplerPath);
        }

        var loadedScores = (ScoreModelTransformer)Ml.ScoreMatching().Model.Load(scoresPath, out _);
        var scoreWeight = AWeightOf(loadedScores.Model.Network);
        loadedScores.Dispose();
        Assert.IsTrue(scoreWeight.IsInvalid, "a loaded score model is freed by its transformer alone");

        var loadedSampler = (ConditionalSamplingTransformer)Ml.ScoreMatching().Model.Load(samplerPath, out _);
        var priorWeight = AWeightOf(loadedSampler.Prior!.Network);
        loadedSampler.Dispose();
        Assert.IsTrue(priorWeight.IsInvalid, "a loaded sampler's networks are freed by the sampler alone");
    }
}
