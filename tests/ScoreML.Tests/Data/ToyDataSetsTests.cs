using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Data;

namespace ScoreML.Tests.Data;

[TestClass]
public sealed class ToyDataSetsTests
{
    public static IEnumerable<object[]> Generators => new[]
    {
        new object[] { "two moons", (Func<int, LabelledPoints>)(seed => ToyDataSets.TwoMoons(500, seed: seed)) },
        new object[] { "checkerboard", (Func<int, LabelledPoints>)(seed => ToyDataSets.Checkerboard(500, seed)) },
        new object[] { "gaussian mixture", (Func<int, LabelledPoints>)(seed => ToyDataSets.GaussianMixture(500, seed: seed)) },
        new object[] { "swiss roll", (Func<int, LabelledPoints>)(seed => ToyDataSets.SwissRoll(500, seed: seed)) },
    };

    [TestMethod]
    [DynamicData(nameof(Generators))]
    public void DeterministicBySeed(string name, Func<int, LabelledPoints> generate)
    {
        var a = generate(3);
        CollectionAssert.AreEqual(a.Features, generate(3).Features, name);
        CollectionAssert.AreEqual(a.Labels, generate(3).Labels, name);
        CollectionAssert.AreNotEqual(a.Features, generate(4).Features, name);
        Assert.IsTrue(a.Features.All(float.IsFinite), name);
        Assert.IsTrue(a.Labels.All(l => l >= 0 && l < a.ClassCount), name);
    }

    /// <summary>Without noise every moon point lies on its half circle: the outer one (label 0) on the unit circle
    /// with y &gt;= 0, the inner one on the unit circle around (1, 1/2) with y &lt;= 1/2, half the points each.</summary>
    [TestMethod]
    public void TwoMoonsWithoutNoiseLieOnTheirHalfCircles()
    {
        var moons = ToyDataSets.TwoMoons(1001, noise: 0, seed: 2);
        Assert.AreEqual(500, moons.Labels.Count(l => l == 0));
        for (int i = 0; i < moons.Count; i++)
        {
            double x = moons.Features[2 * i], y = moons.Features[2 * i + 1];
            if (moons.Labels[i] == 0)
            {
                Assert.AreEqual(1, Math.Sqrt(x * x + y * y), 1e-6);
                Assert.IsGreaterThanOrEqualTo(-1e-6, y);
            }
            else
            {
                Assert.AreEqual(1, Math.Sqrt((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5)), 1e-6);
                Assert.IsLessThanOrEqualTo(0.5 + 1e-6, y);
            }
        }
        // The DLSM study's version: centred on the moons' centre and scaled by 20.
        var scaled = ToyDataSets.TwoMoons(1001, noise: 0, seed: 2, center: true, scale: 20);
        for (int i = 0; i < moons.Features.Length; i++)
            Assert.AreEqual((moons.Features[i] - (i % 2 == 0 ? 0.5 : 0.25)) * 20, scaled.Features[i], 1e-4);
    }

    [TestMethod]
    public void TwoMoonsNoiseHasTheRequestedStd()
    {
        var clean = ToyDataSets.TwoMoons(20_000, noise: 0, seed: 1);
        var noisy = ToyDataSets.TwoMoons(20_000, noise: 0.1, seed: 1);
        // Same seed, same order of points: the difference is the noise alone.
        double sumSquares = clean.Features.Zip(noisy.Features, (a, b) => (double)(b - a) * (b - a)).Sum();
        Assert.AreEqual(0.1, Math.Sqrt(sumSquares / clean.Features.Length), 0.002);
    }

    [TestMethod]
    public void CheckerboardPointsAreOnTheBoardAndSpreadOverAllSquares()
    {
        var board = ToyDataSets.Checkerboard(8000, seed: 5);
        for (int i = 0; i < board.Count; i++)
            Assert.IsTrue(ToyDataSets.IsOnCheckerboard(board.Features[2 * i], board.Features[2 * i + 1]), $"point {i}");
        var counts = board.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.HasCount(8, counts);
        Assert.IsTrue(counts.Values.All(c => Math.Abs(c - 1000) < 150), string.Join(", ", counts.Values));
        Assert.IsFalse(ToyDataSets.IsOnCheckerboard(1, -1));   // [0,2) x [-2,0) is empty
        Assert.IsTrue(ToyDataSets.IsOnCheckerboard(1, 1));
        Assert.IsFalse(ToyDataSets.IsOnCheckerboard(4.5, 4.5));
    }

    [TestMethod]
    public void GaussianMixturePointsSitAroundTheirComponentMeans()
    {
        var mixture = ToyDataSets.GaussianMixture(4000, components: 8, radius: 4, std: 0.2, seed: 1);
        var means = ToyDataSets.GaussianMixtureMeans(8, 4);
        double sumSquares = 0;
        for (int i = 0; i < mixture.Count; i++)
        {
            var mean = means[mixture.Labels[i]];
            sumSquares += Math.Pow(mixture.Features[2 * i] - mean[0], 2) + Math.Pow(mixture.Features[2 * i + 1] - mean[1], 2);
        }
        Assert.AreEqual(0.2, Math.Sqrt(sumSquares / (2 * mixture.Count)), 0.01);
    }

    [TestMethod]
    public void DataCatalogGivesFeatureVectorsAndKeyLabels()
    {
        var ml = new MLContext(0);
        var view = ml.ScoreMatching().Data.GaussianMixture(100, components: 5);
        var features = (VectorDataViewType)view.Schema["Features"].Type;
        Assert.AreEqual(2, features.Size);
        var label = (KeyDataViewType)view.Schema["Label"].Type;
        Assert.AreEqual(5UL, label.Count);
        var points = ToyDataSets.GaussianMixture(100, components: 5);
        CollectionAssert.AreEqual(points.Labels.Select(l => (uint)l + 1).ToArray(), view.GetColumn<uint>("Label").ToArray(), "class c is key c + 1");
        Assert.AreEqual(7, ml.ScoreMatching().Data.Requests(7).GetColumn<int>("RequestId").Count());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ToyDataSets.Checkerboard(0));
    }
}
