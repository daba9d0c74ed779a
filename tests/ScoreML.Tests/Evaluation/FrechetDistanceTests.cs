using ScoreML.Evaluation.Metrics;
using static TorchSharp.torch;

namespace ScoreML.Tests.Evaluation;

[TestClass]
public sealed class FrechetDistanceTests
{
    static FeatureMatrix Load(string file, string name)
    {
        var (values, d) = Fixtures.Csv(file);
        return new FeatureMatrix(values, d, name);
    }

    [TestMethod]
    public void AgreesWithPytorchFidFormulaOnFixture()
    {
        // expected.json "fid.value": numpy mean/cov and scipy.linalg.sqrtm, as pytorch-fid computes it (make_reference.py).
        double expected = Fixtures.Expected.GetProperty("fid").GetProperty("value").GetDouble();
        var real = GaussianStatistics.Compute(Load("fid_real.csv", "real"));
        var generated = GaussianStatistics.Compute(Load("fid_generated.csv", "generated"));
        var fid = FrechetDistance.Compute(real, generated);
        Assert.AreEqual(expected, fid.Value, 1e-6 * expected);
        Assert.IsNull(fid.Warning);
        Assert.AreEqual(fid.Value, FrechetDistance.Compute(generated, real).Value, 1e-9 * expected, "FID is symmetric");
    }

    [TestMethod]
    public void IdenticalSetsGiveZero()
    {
        var real = GaussianStatistics.Compute(Load("fid_real.csv", "real"));
        Assert.AreEqual(0, FrechetDistance.Compute(real, real).Value, 1e-8);
    }

    [TestMethod]
    public void TwoGaussiansGiveTheClosedForm()
    {
        // N(m1, diag(a)) and N(m2, diag(b)): FID = |m1 - m2|^2 + sum (sqrt(a) - sqrt(b))^2. Statistics given exactly.
        int d = 5;
        var a = new[] { 1.0, 2.0, 0.5, 4.0, 3.0 };
        var b = new[] { 2.0, 1.0, 0.25, 1.0, 3.0 };
        var m1 = new[] { 0.0, 1.0, 2.0, 3.0, 4.0 };
        var m2 = new[] { 1.0, 1.0, 0.0, 3.0, 4.5 };
        var s1 = new double[d * d];
        var s2 = new double[d * d];
        for (int i = 0; i < d; i++) { s1[i * d + i] = a[i]; s2[i * d + i] = b[i]; }
        // Rotate both by the same orthogonal matrix so the eigen-route is exercised with full matrices.
        var q = Rotation(d);
        double expected = Enumerable.Range(0, d).Sum(i => Math.Pow(m1[i] - m2[i], 2) + Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2));
        var fid = FrechetDistance.Compute(new GaussianStatistics(Rotate(q, m1), Conjugate(q, s1, d), 1000),
            new GaussianStatistics(Rotate(q, m2), Conjugate(q, s2, d), 1000));
        Assert.AreEqual(expected, fid.Value, 1e-10 * expected);
    }

    [TestMethod]
    public void SingularCovariancesAreHandledAndFlagged()
    {
        // 10 samples in 24 dimensions: rank-9 covariances. The distance is still exact for the fitted Gaussians; compare with
        // the same sets embedded in their 9-dimensional span? Simpler invariant: FID of a set with itself is 0 and the warning is set.
        var (values, d) = Fixtures.Csv("fid_real.csv");
        var few = new FeatureMatrix(values.Take(10 * d).ToArray(), d, "real");
        var other = new FeatureMatrix(values.Skip(10 * d).Take(10 * d).ToArray(), d, "generated");
        var s = GaussianStatistics.Compute(few);
        var self = FrechetDistance.Compute(s, s);
        Assert.AreEqual(0, self.Value, 1e-8);
        var fid = FrechetDistance.Compute(s, GaussianStatistics.Compute(other));
        Assert.IsTrue(double.IsFinite(fid.Value) && fid.Value > 0);
        Assert.IsNotNull(fid.Warning);
        StringAssert.Contains(fid.Warning, "singular");
    }

    [TestMethod]
    public void SingularAgainstFullRankAgreesWithTheEigenvaluesOfTheProduct()
    {
        // 5 samples (rank-4 covariance) against 60 in 6 dimensions: one factor from the eigendecomposition, the other from
        // Cholesky. tr (S1 S2)^(1/2) directly from the eigenvalues of the (non-symmetric) product S1 S2.
        var random = new Random(9);
        float[] Sample(int n) => Enumerable.Range(0, n * 6).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var few = GaussianStatistics.Compute(new FeatureMatrix(Sample(5), 6, "real"));
        var many = GaussianStatistics.Compute(new FeatureMatrix(Sample(60), 6, "generated"));
        using var scope = NewDisposeScope();
        var s1 = tensor(few.Covariance, new long[] { 6, 6 });
        var s2 = tensor(many.Covariance, new long[] { 6, 6 });
        // Two eigenvalues are 0 in exact arithmetic; round-off leaves them near 1e-16, whose square roots (1e-8) would swamp
        // the comparison, so values below 1e-12 of the largest count as 0.
        var eigenvalues = linalg.eigvals(s1.mm(s2)).real;
        eigenvalues = eigenvalues.where(eigenvalues > 1e-12 * eigenvalues.max().item<double>(), 0.0);
        double root = eigenvalues.sqrt().sum().item<double>();
        var diff = tensor(few.Mean) - tensor(many.Mean);
        double expected = diff.dot(diff).item<double>() + s1.trace().item<double>() + s2.trace().item<double>() - 2 * root;
        Assert.AreEqual(expected, FrechetDistance.Compute(few, many).Value, 1e-9 * expected);
        Assert.AreEqual(expected, FrechetDistance.Compute(many, few).Value, 1e-9 * expected);
    }

    [TestMethod]
    public void DifferentDimensionsAreRefused()
    {
        var a = GaussianStatistics.Compute(new FeatureMatrix(new float[] { 1, 2, 3, 4, 5, 7 }, 2, "real"));
        var b = GaussianStatistics.Compute(new FeatureMatrix(new float[] { 1, 2, 3, 4, 5, 7 }, 3, "generated"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => FrechetDistance.Compute(a, b));
        StringAssert.Contains(e.Message, "2 features");
    }

    static double[,] Rotation(int d)
    {
        // Gram-Schmidt on a fixed matrix.
        var random = new Random(3);
        var q = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            var v = Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5).ToArray();
            for (int j = 0; j < i; j++)
            {
                double dot = Enumerable.Range(0, d).Sum(k => v[k] * q[j, k]);
                for (int k = 0; k < d; k++) v[k] -= dot * q[j, k];
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int k = 0; k < d; k++) q[i, k] = v[k] / norm;
        }
        return q;
    }

    static double[] Rotate(double[,] q, double[] v) =>
        Enumerable.Range(0, v.Length).Select(i => Enumerable.Range(0, v.Length).Sum(k => q[i, k] * v[k])).ToArray();

    static double[] Conjugate(double[,] q, double[] s, int d)
    {
        var result = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++)
                    for (int l = 0; l < d; l++) sum += q[i, k] * s[k * d + l] * q[j, l];
                result[i * d + j] = sum;
            }
        return result;
    }
}
