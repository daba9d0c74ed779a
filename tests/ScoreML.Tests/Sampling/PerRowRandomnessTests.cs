using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;
using ScoreML.Networks;
using ScoreML.Transforms.Sampling;
using static TorchSharp.torch;

namespace ScoreML.Tests.Sampling;

/// <summary>
/// A row's sample depends only on the seed and the row's place in the requests (or on its own seed), never on the batch
/// it shares: the same rows drawn at batch sizes 1, 7 and 64 agree, up to the last bits in which a batch's float matrix
/// products may differ. Under the old per-batch generator every row's noise changed with the batch size, so they did not.
/// </summary>
[TestClass]
public sealed class PerRowRandomnessTests
{
    static readonly MLContext Ml = new(1);
    static readonly VeSde Ve = new(0.01, 5);
    const int Rows = 64;
    static readonly int[] BatchSizes = { 1, 7, 64 };

    // Two classes, each a Gaussian N(mean_c, 0.3^2 I) in 2-D; under a VE SDE its perturbed score is closed-form.
    static readonly float[,] ClassMeans = { { -1.5f, 0.5f }, { 1.5f, -0.5f } };
    const double ClassVariance = 0.09;

    static ConditionalScoreFunction ClassScore => (x, t, labels) =>
    {
        var means = tensor(ClassMeans).index_select(0, labels);
        var variance = (Ve.MarginalStd(t).square() + ClassVariance).unsqueeze(1);
        return -(x - means) / variance;
    };

    // An untrained network: the claim is about the sampler's randomness, which any score shows; training would only cost time.
    static ScoreModel NewModel() => new(new NoiseConditionalMlp(2, 2, new MlpOptions { HiddenSizes = new[] { 16 } }, seed: 1), Ve, CPU);

    static SamplerOptions Options(SamplerKind kind, int batchSize, bool batchMean = false) => new()
    {
        Kind = kind, Steps = 30, NoiseLevels = 3, StepsPerLevel = 10, StepSize = 1e-4,
        BatchSize = batchSize, Seed = 3, CorrectorBatchMeanNorms = batchMean,
        Eta = 1, Churn = 10, RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-3,   // the fast samplers' noise, where they take some
    };

    [TestMethod]
    [DataRow(SamplerKind.PredictorCorrector)]
    [DataRow(SamplerKind.AnnealedLangevin)]
    [DataRow(SamplerKind.Ddim)]
    [DataRow(SamplerKind.Heun)]
    [DataRow(SamplerKind.DpmSolver2M)]
    [DataRow(SamplerKind.AdaptiveOde)]
    public void ScoreModelRowsDoNotDependOnTheBatchSize(SamplerKind kind)
    {
        using var model = new ScoreModelTransformer(NewModel(), Options(kind, 1));
        var draws = BatchSizes.Select(size =>
        {
            using var sampler = model.WithSampler(Options(kind, size));
            return sampler.Generate(Rows);
        }).ToArray();
        AssertRowsAgree(draws);
    }

    [TestMethod]
    [DataRow(SamplerKind.PredictorCorrector)]
    [DataRow(SamplerKind.AnnealedLangevin)]
    [DataRow(SamplerKind.Ddim)]
    [DataRow(SamplerKind.Heun)]
    [DataRow(SamplerKind.DpmSolver2M)]
    [DataRow(SamplerKind.AdaptiveOde)]
    public void ConditionalRowsDoNotDependOnTheBatchSize(SamplerKind kind)
    {
        int[] classes = Enumerable.Range(0, Rows).Select(i => i * 7 % 3 == 0 ? 1 : 0).ToArray();
        var draws = BatchSizes.Select(size =>
        {
            using var sampler = new ConditionalSamplingTransformer(ClassScore, Ve, 2, new LabelKeys(2), CPU,
                new ConditionalSamplerOptions { Sampler = Options(kind, size) });
            return sampler.Generate(classes);
        }).ToArray();
        AssertRowsAgree(draws);
        Assert.IsGreaterThan(2.0, Mean(draws[0], classes, 1) - Mean(draws[0], classes, 0), "the closed-form score did its job: the classes are apart");

        // Transform reads the same rows, batch by batch, as Generate.
        using var viaTransform = new ConditionalSamplingTransformer(ClassScore, Ve, 2, new LabelKeys(2), CPU,
            new ConditionalSamplerOptions { Sampler = Options(kind, 7) });
        AssertClose(draws[0], Column(viaTransform.Transform(KeyRequests(classes, seeds: null))), "Transform at batch size 7 against Generate at 1");
    }

    /// <summary>
    /// Shards of one job: rows from a batch-aligned first row are those rows of one run bit for bit, for the unconditional
    /// and the conditional sampler, and the ranges put together are the whole run.
    /// </summary>
    [TestMethod]
    public void RangesFromABatchAlignedRowAreOneRunsRowsBitForBit()
    {
        using var model = new ScoreModelTransformer(NewModel(), Options(SamplerKind.Ddim, 8));
        float[] whole = model.Generate(Rows);
        float[] pieced = Enumerable.Range(0, 4).SelectMany(shard => model.Generate(shard * 16L, 16)).ToArray();
        CollectionAssert.AreEqual(whole, pieced, "four shards of 16 rows at batch size 8");
        CollectionAssert.AreEqual(whole.AsSpan(2 * 40, 2 * 5).ToArray(), model.Generate(40, 5), "rows 40..44 alone");

        int[] classes = Enumerable.Range(0, Rows).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        using var conditional = new ConditionalSamplingTransformer(ClassScore, Ve, 2, new LabelKeys(2), CPU,
            new ConditionalSamplerOptions { Sampler = Options(SamplerKind.Ddim, 8) });
        float[] all = conditional.Generate(classes);
        float[] parts = Enumerable.Range(0, 4).SelectMany(shard => conditional.Generate(classes.Skip(shard * 16).Take(16).ToArray(), shard * 16L)).ToArray();
        CollectionAssert.AreEqual(all, parts, "conditional: four shards of 16 rows");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Generate(-1, 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => conditional.Generate(classes, -1));
    }

    [TestMethod]
    public void BatchMeanNormsMakeRowsDependOnTheBatchSize()
    {
        using var model = new ScoreModelTransformer(NewModel(), Options(SamplerKind.PredictorCorrector, 7, batchMean: true));
        float[] seven = model.Generate(Rows);
        using var whole = model.WithSampler(Options(SamplerKind.PredictorCorrector, 64, batchMean: true));
        float[] sixtyFour = whole.Generate(Rows);
        Assert.IsTrue(seven.All(float.IsFinite) && sixtyFour.All(float.IsFinite));
        double largest = seven.Zip(sixtyFour, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsGreaterThan(1e-2, largest, "with batch-mean norms a row's corrector step depends on its batch");

        using var perRow = model.WithSampler(Options(SamplerKind.PredictorCorrector, 7));
        double fromPerRow = seven.Zip(perRow.Generate(Rows), (a, b) => Math.Abs(a - b)).Max();
        Assert.IsGreaterThan(1e-2, fromPerRow, "the option changes the corrector's step");
    }

    [TestMethod]
    public void ASeededRowsSampleIsTheSameRowSampledAlone()
    {
        int[] classes = { 0, 1, 1, 0, 1, 0, 0, 1, 1 };
        int[] seeds = { 10, 11, 12, 13, 10, 15, 16, 17, 18 };
        var options = new ConditionalSamplerOptions { Sampler = Options(SamplerKind.PredictorCorrector, 4), SeedColumnName = "Seed" };
        using var sampler = new ConditionalSamplingTransformer(ClassScore, Ve, 2, new LabelKeys(2), CPU, options);
        float[] together = Column(sampler.Transform(KeyRequests(classes, seeds)));
        for (int i = 0; i < classes.Length; i++)
        {
            float[] alone = Column(sampler.Transform(KeyRequests(new[] { classes[i] }, new[] { seeds[i] })));
            AssertClose(alone, together.AsSpan(2 * i, 2).ToArray(), $"row {i} alone and in its batch");
        }
        // Rows 0 and 4 share seed 10 but not the class: the same noise, other samples.
        Assert.IsGreaterThan(1.0, together[8] - together[0], "the class still decides the sample");
        CollectionAssert.AreNotEqual(together.AsSpan(2, 2).ToArray(), together.AsSpan(4, 2).ToArray(), "other seeds, other samples");
    }

    [TestMethod]
    public void RowNoiseIsStandardNormalAndUncorrelatedAcrossRowsAndDraws()
    {
        const int count = 2000, dimension = 50;
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var score = new GaussianMixtureScore(new[] { 1.0 }, new[] { new[] { 0.0, 0.0 } }, new[] { 1.0 }).AsScoreFunction(Ve);
        var context = new SamplingContext(new PredictorCorrectorSampler(), score, Ve, count, dimension, new SamplerOptions(), generator, CPU,
            SamplerSeeds.ForRows(5, 0, count));
        var like = zeros(count, dimension, dtype: ScalarType.Float64);
        var first = context.Noise(like);
        var second = context.Noise(like);
        Assert.AreEqual(ScalarType.Float64, first.dtype);
        CollectionAssert.AreEqual(new long[] { count, dimension }, first.shape);

        var all = cat(new[] { first, second }).flatten();
        double n = all.numel();
        // Standard errors: of a mean 1/sqrt(n), of a variance sqrt(2/n), of a correlation 1/sqrt(pairs); 6 of them is the margin.
        Assert.AreEqual(0, all.mean().item<double>(), 6 / Math.Sqrt(n), "mean");
        Assert.AreEqual(1, all.var().item<double>(), 6 * Math.Sqrt(2 / n), "variance");
        Assert.AreEqual(0, all.pow(3).mean().item<double>(), 6 * Math.Sqrt(15 / n), "third moment");
        Assert.AreEqual(3, all.pow(4).mean().item<double>(), 6 * Math.Sqrt(96 / n), "fourth moment");

        static void Uncorrelated(Tensor a, Tensor b, string what)
        {
            var (x, y) = (a.flatten() - a.mean(), b.flatten() - b.mean());
            double r = ((x * y).mean() / (x.square().mean() * y.square().mean()).sqrt()).item<double>();
            Assert.AreEqual(0, r, 6 / Math.Sqrt(x.numel()), what);
        }
        Uncorrelated(first.narrow(0, 0, count - 1), first.narrow(0, 1, count - 1), "neighbouring rows");
        Uncorrelated(first, second, "consecutive draws of a row");
        Uncorrelated(first.narrow(1, 0, dimension - 1), first.narrow(1, 1, dimension - 1), "neighbouring values of a row");

        // The prior's draw is the next one after them, of PriorStd: a fresh draw, not the first one again.
        var prior = context.SamplePrior();
        Assert.AreEqual(Ve.PriorStd, prior.std().item<float>(), 0.05 * Ve.PriorStd, "prior std");
        Assert.IsFalse(prior.to(ScalarType.Float64).div(Ve.PriorStd).allclose(first), "the context's draws advance");
    }

    [TestMethod]
    public void RowNoiseIsSplitMix64AndBoxMuller()
    {
        // SplitMix64 from state 0 returns 0xE220A8397B1DCDAF first (the reference implementation's known value).
        Assert.AreEqual(0xE220A8397B1DCDAFUL, RowNoise.Output(0, 0));
        // A row's values are the same whichever rows are drawn beside it, and from any starting position.
        ulong[] keys = SamplerSeeds.ForRows(9, 100, 5);
        using var scope = NewDisposeScope();
        var batch = RowNoise.Normals(keys, 6, new long[] { 5, 3 }, ScalarType.Float64, CPU);
        var alone = RowNoise.Normals(new[] { keys[3] }, 6, new long[] { 1, 3 }, ScalarType.Float64, CPU);
        Assert.IsTrue(batch[3].equal(alone[0]).all().item<bool>());
        Assert.AreEqual(RowNoise.Normal(keys[3], 8), batch[3, 2].item<double>());
    }

    static void AssertRowsAgree(float[][] draws)
    {
        Assert.IsTrue(draws[0].All(float.IsFinite), "finite samples");
        for (int i = 1; i < draws.Length; i++)
            AssertClose(draws[0], draws[i], $"batch size {BatchSizes[i]} against {BatchSizes[0]}");
        Assert.IsGreaterThan(0.1, draws[0].Select(v => (double)v).Distinct().Count() / (double)draws[0].Length, "rows differ from each other");
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-4 + 1e-4 * Math.Abs(expected[i]), $"{what}: value {i} (row {i / 2})");
    }

    static double Mean(float[] samples, int[] classes, int c) =>
        classes.Select((k, i) => (k, x: samples[2 * i])).Where(p => p.k == c).Average(p => p.x);

    static float[] Column(IDataView view) => view.GetColumn<float[]>("Generated").SelectMany(v => v).ToArray();

    static IDataView KeyRequests(int[] classes, int[]? seeds)
    {
        var schema = SchemaDefinition.Create(typeof(SeededRequest));
        schema[nameof(SeededRequest.Label)].ColumnType = new KeyDataViewType(typeof(uint), 2);
        // LoadFromEnumerable stores key c + 1, the 1-based key of class c.
        return Ml.Data.LoadFromEnumerable(classes.Select((c, i) => new SeededRequest { Label = (uint)c, Seed = seeds?[i] ?? 0 }).ToList(), schema);
    }

    public sealed class SeededRequest
    {
        public uint Label { get; set; }
        public int Seed { get; set; }
    }
}
