using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;

namespace ScoreML.Tests.Training;

/// <summary>
/// One fitted model read by several threads at once (as a web service's requests would) gives every thread the samples a
/// single reader gets: the sampler keeps no state between calls, and each row's sample depends only on its seed and row.
/// </summary>
[TestClass]
public sealed class ConcurrentTransformTests
{
    [TestMethod]
    public void ConcurrentReadersOfOneModelGetTheSequentialSamples()
    {
        var ml = new MLContext(0);
        using var model = ml.ScoreMatching().Trainers.ScoreModel(new ScoreModelOptions
        {
            Steps = 30,
            BatchSize = 64,
            Mlp = new MlpOptions { HiddenSizes = new[] { 16, 16 } },
            Sampler = new SamplerOptions { Steps = 20, BatchSize = 10, Seed = 5 },
        }).Fit(ml.ScoreMatching().Data.TwoMoons(300, seed: 1));
        var view = model.Transform(ml.ScoreMatching().Data.Requests(40));
        float[] Read() => view.GetColumn<VBuffer<float>>("Generated").SelectMany(v => v.DenseValues()).ToArray();
        float[] sequential = Read();

        var results = new float[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => results[i] = i % 2 == 0 ? Read() : model.Generate(40));
        for (int i = 0; i < results.Length; i++) CollectionAssert.AreEqual(sequential, results[i], $"reader {i}");
    }
}
